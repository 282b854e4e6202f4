// GraphiQL works offline: the page and all its assets come from this server, checked in a real
// headless Chromium that is refused every other address.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser && process.env.REQUIRE_BROWSER) throw new Error(`REQUIRE_BROWSER is set but ${CHROMIUM} is missing`);

describe.skipIf(!hasBrowser)('GraphiQL in a browser', () => {
  let t: TestApp;
  let server: Server;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    t = await startTestApp({ GRAPHIQL: 'true' });
    server = createServer(t.app.requestListener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    await t?.close();
  });

  it('loads with no outside request and runs a query', async () => {
    const page = await browser.newPage();
    const outside: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(base) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
      outside.push(url);
      return route.abort();
    });
    // The playground opens with the query from its URL, as a shared GraphiQL link would.
    await page.goto(`${base}/graphql?query=${encodeURIComponent('query Ping { __typename }')}`);
    await page.waitForSelector('.graphiql-container', { timeout: 30_000 });
    await page.waitForSelector('.graphiql-query-editor', { timeout: 30_000 });
    expect(await page.title()).toBe('Trackr GraphiQL');
    await page.click('.graphiql-execute-button');
    await page.waitForFunction(() => document.querySelector('.graphiql-response')?.textContent?.includes('Query'), null, {
      timeout: 30_000,
    });
    expect(outside).toEqual([]);
    await page.close();
  }, 90_000);
});
