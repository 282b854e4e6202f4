import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const STRONG = 'k3J9-xQ2pL8vR4tY7wZ1aB5cD6eF0gH2iJ4kL6mN8';

describe('loadConfig', () => {
  it('gives working defaults for development', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'trackr-config-'));
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config).toMatchObject({ env: 'development', port: 4000, bcryptCost: 12, graphiql: true });
    expect(config.corsOrigins).toEqual(['http://localhost:5173', 'http://localhost:3000']);
    expect(config.jwt.accessTtlSeconds).toBe(1800);
    expect(config.databaseUrl).toBeUndefined();
  });

  it('generates a development secret once and keeps it', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'trackr-config-'));
    const first = loadConfig({ DATA_DIR: dataDir });
    expect(existsSync(join(dataDir, 'jwt-secret'))).toBe(true);
    expect(first.warnings.join()).toMatch(/JWT_SECRET is not set/);
    const second = loadConfig({ DATA_DIR: dataDir });
    expect(Buffer.from(second.jwt.secret).toString()).toBe(readFileSync(join(dataDir, 'jwt-secret'), 'utf8'));
    expect(Buffer.from(second.jwt.secret)).toEqual(Buffer.from(first.jwt.secret));
  });

  it('names every bad variable', () => {
    expect(() => loadConfig({ PORT: 'abc', BCRYPT_COST: '4', DATABASE_URL: 'mysql://x', CORS_ORIGINS: 'not a url' })).toThrow(
      /PORT[\s\S]*DATABASE_URL[\s\S]*BCRYPT_COST[\s\S]*CORS_ORIGINS|PORT/,
    );
    try {
      loadConfig({ PORT: 'abc', BCRYPT_COST: '4', DATABASE_URL: 'mysql://x', CORS_ORIGINS: 'not a url' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      for (const name of ['PORT', 'BCRYPT_COST', 'DATABASE_URL', 'CORS_ORIGINS']) expect((error as Error).message).toContain(name);
    }
  });

  it('refuses weak or missing secrets in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET: required in production/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'short' })).toThrow(/at least 32 bytes/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'a'.repeat(40) })).toThrow(/too weak/);
    const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: STRONG });
    expect(config.graphiql).toBe(false);
    expect(config.warnings).toEqual([]);
  });

  it('counts trusted proxies from the right, one by default, and refuses a count that is not positive', () => {
    expect(loadConfig({ JWT_SECRET: STRONG, TRUST_PROXY: 'true' }).trustedProxyHops).toBe(1);
    expect(loadConfig({ JWT_SECRET: STRONG, TRUST_PROXY: 'true', TRUSTED_PROXY_HOPS: '2' }).trustedProxyHops).toBe(2);
    for (const bad of ['0', '-1', '1.5', 'two']) {
      expect(() => loadConfig({ JWT_SECRET: STRONG, TRUST_PROXY: 'true', TRUSTED_PROXY_HOPS: bad })).toThrow(/TRUSTED_PROXY_HOPS/);
    }
    expect(loadConfig({ JWT_SECRET: STRONG, TRUSTED_PROXY_HOPS: '2' }).warnings.join()).toMatch(/TRUSTED_PROXY_HOPS.*TRUST_PROXY/);
  });

  it('parses CORS origins as a list', () => {
    const config = loadConfig({ JWT_SECRET: STRONG, CORS_ORIGINS: 'https://app.example.com, http://localhost:8080' });
    expect(config.corsOrigins).toEqual(['https://app.example.com', 'http://localhost:8080']);
  });
});
