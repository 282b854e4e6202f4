// The schema-evolution rules behind `npm run schema:check`, and the deprecation rule on the real schema.
import { readFileSync } from 'node:fs';
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { checkEvolution, parseAllowed, removalDate, undatedDeprecations } from '../../scripts/schema-evolution.js';

const baseline = buildSchema(`
  type Query { issue(id: ID!): Issue }
  type Issue {
    id: ID!
    title: String!
    old: String @deprecated(reason: "Use title. Removal: 2026-01-31.")
    later: String @deprecated(reason: "Use title. Removal: 2099-01-31.")
  }
`);
const today = '2026-12-02';
const paths = (changes: { path?: string }[]) => changes.map((c) => c.path);

describe('schema evolution', () => {
  it('refuses an unrecorded breaking change and accepts a recorded one, reporting stale records', async () => {
    const current = buildSchema(
      `type Query { issue(id: ID!): Issue } type Issue { id: ID! old: String @deprecated(reason: "x") later: String @deprecated(reason: "y") }`,
    );
    const refused = await checkEvolution({ baseline, current, allowed: [], today });
    expect(paths(refused.refused)).toEqual(['Issue.title']);

    const allowed = [
      { type: 'FIELD_REMOVED', path: 'Issue.title', reason: 'Renamed before any client used it' },
      { type: 'FIELD_REMOVED', path: 'Issue.gone', reason: 'From an earlier release' },
    ];
    const recorded = await checkEvolution({ baseline, current, allowed, today });
    expect(recorded.refused).toEqual([]);
    expect(paths(recorded.allowed)).toEqual(['Issue.title']);
    expect(recorded.unused).toEqual([allowed[1]]);
  });

  it('lets a deprecated field go once its removal date has passed, not before', async () => {
    const current = buildSchema(`type Query { issue(id: ID!): Issue } type Issue { id: ID! title: String! }`);
    const verdict = await checkEvolution({ baseline, current, allowed: [], today });
    expect(paths(verdict.planned)).toEqual(['Issue.old']);
    expect(paths(verdict.refused)).toEqual(['Issue.later']);
  });

  it('accepts additions', async () => {
    const current = buildSchema(
      `type Query { issue(id: ID!): Issue issues: [Issue!]! } type Issue { id: ID! title: String! old: String later: String extra: Int }`,
    );
    expect((await checkEvolution({ baseline, current, allowed: [], today })).refused).toEqual([]);
  });

  it('reads removal dates and schema-changes.json strictly', () => {
    expect(removalDate('Use title. Removal: 2027-06-30.')).toBe('2027-06-30');
    expect(removalDate('Use title.')).toBeNull();
    expect(removalDate('Use title. Removal: 2027-02-30.')).toBeNull();
    expect(() => parseAllowed([{ type: 'FIELD_REMOVED', path: 'Issue.title', reason: ' ' }])).toThrow(/needs a type, a path and a reason/);
  });

  it('every deprecation in schema.graphql ends with its removal date', () => {
    const schema = buildSchema(readFileSync('schema.graphql', 'utf8'));
    expect(undatedDeprecations(schema)).toEqual([]);
  });
});
