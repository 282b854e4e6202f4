// Writes the printed SDL to schema.graphql (`npm run schema:print`). test/schema.test.ts fails
// when the checked-in file differs from what the code builds.
import { writeFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { schema } from '../src/graphql/schema.js';

export const SCHEMA_FILE = 'schema.graphql';

export function printedSchema(): string {
  return `${printSchema(schema)}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(SCHEMA_FILE, printedSchema());
  console.log(`wrote ${SCHEMA_FILE}`);
}
