// `npm run schema:check` (CI): fails on a breaking change to schema.graphql since the last release
// (schema.baseline.graphql) that is not recorded in schema-changes.json, and on a deprecation
// without a removal date. Rules in scripts/schema-evolution.ts; policy in README.
import { readFileSync } from 'node:fs';
import { buildSchema } from 'graphql';
import type { Change } from '@graphql-inspector/core';
import { checkEvolution, parseAllowed, undatedDeprecations } from './schema-evolution.js';

const current = buildSchema(readFileSync('schema.graphql', 'utf8'));
const baseline = buildSchema(readFileSync('schema.baseline.graphql', 'utf8'));
const allowed = parseAllowed(JSON.parse(readFileSync('schema-changes.json', 'utf8')));
const verdict = await checkEvolution({ baseline, current, allowed, today: new Date().toISOString().slice(0, 10) });
const undated = undatedDeprecations(current);

const line = (c: Change) => `${String(c.type)} ${c.path ?? ''}: ${c.message}`;
const list = (title: string, lines: string[]) => lines.length && console.log(`${title}\n${lines.map((l) => `  ${l}`).join('\n')}`);
list('Recorded breaking changes (schema-changes.json):', verdict.allowed.map(line));
list('Planned removals (removal date passed):', verdict.planned.map(line));
list('Dangerous changes (not breaking, but check clients):', verdict.dangerous.map(line));
const failures = [
  ...verdict.refused.map((c) => `breaking: ${line(c)}`),
  ...verdict.unused.map((e) => `schema-changes.json entry matches no change (remove it): ${e.type} ${e.path}`),
  ...undated.map((d) => `deprecated without "Removal: YYYY-MM-DD." at the end of its reason: ${d.path} ("${d.reason}")`),
];
if (failures.length) {
  list('Schema check failed:', failures);
  console.log('A breaking change must be intentional: record it in schema-changes.json as { "type", "path", "reason" } (README).');
  process.exit(1);
}
console.log(`schema check: no unrecorded breaking change since schema.baseline.graphql (${verdict.allowed.length} recorded).`);
