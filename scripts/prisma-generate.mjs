// Runs `prisma generate` without the network. The Prisma CLI downloads a native schema engine at
// start-up, although `generate` never runs it; pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing
// executable skips the download. Skips the work when the generated code is newer than the schema
// (pass --force to regenerate anyway).
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { delimiter, resolve } from 'node:path';

const schema = 'prisma/schema.prisma';
const outputs = ['src/generated/prisma/client.ts', 'src/generated/pothos-types.ts'];
const force = process.argv.includes('--force');
const fresh = outputs.every((f) => existsSync(f) && statSync(f).mtimeMs >= statSync(schema).mtimeMs);
if (fresh && !force) process.exit(0);

// The pothos generator is found on PATH, as npm scripts would provide.
const PATH = [resolve('node_modules/.bin'), process.env.PATH].join(delimiter);
const env = { ...process.env, PATH, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
env.PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING ??= '1';
const result = spawnSync(process.execPath, ['node_modules/prisma/build/index.js', 'generate'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
