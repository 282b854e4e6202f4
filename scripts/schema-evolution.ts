// Schema evolution rules (README "Schema evolution and deprecation"): what counts as breaking is
// GraphQL Inspector's diff between the last release's schema (schema.baseline.graphql) and
// schema.graphql; a breaking change passes only when recorded in schema-changes.json with a reason,
// or when it removes something whose announced removal date has passed. Every @deprecated reason
// ends with that date: "… Removal: YYYY-MM-DD."
import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import { isEnumType, isInputObjectType, isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';

/** One intentional breaking change, as recorded in schema-changes.json. */
export type AllowedChange = { type: string; path: string; reason: string };

export type Deprecation = { path: string; reason: string };

const REMOVAL = /Removal: (\d{4}-\d{2}-\d{2})\.$/;
const REMOVAL_TYPES = new Set(['FIELD_REMOVED', 'INPUT_FIELD_REMOVED', 'ENUM_VALUE_REMOVED', 'FIELD_ARGUMENT_REMOVED']);

/** Every deprecated field, argument, input field and enum value, by inspector's path (`Type.field`, `Type.field.arg`). */
export function deprecations(schema: GraphQLSchema): Deprecation[] {
  const found: Deprecation[] = [];
  const note = (path: string, reason: string | null | undefined) => {
    if (reason != null) found.push({ path, reason });
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        note(`${type.name}.${field.name}`, field.deprecationReason);
        for (const arg of field.args) note(`${type.name}.${field.name}.${arg.name}`, arg.deprecationReason);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) note(`${type.name}.${field.name}`, field.deprecationReason);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) note(`${type.name}.${value.name}`, value.deprecationReason);
    }
  }
  return found;
}

/** The announced removal date of a deprecation reason, or null when it has none (or not a real date). */
export function removalDate(reason: string): string | null {
  const date = REMOVAL.exec(reason.trim())?.[1];
  if (!date) return null;
  return new Date(`${date}T00:00:00Z`).toISOString().startsWith(date) ? date : null;
}

/** Deprecations whose reason does not end with "Removal: YYYY-MM-DD." */
export function undatedDeprecations(schema: GraphQLSchema): Deprecation[] {
  return deprecations(schema).filter((d) => removalDate(d.reason) === null);
}

export type Verdict = {
  /** Breaking changes neither recorded nor planned: these fail the check. */
  refused: Change[];
  /** Breaking changes recorded in schema-changes.json. */
  allowed: Change[];
  /** Removals of what the baseline deprecated with a removal date that has passed. */
  planned: Change[];
  /** Changes that may surprise clients (a new enum value, say): reported, not refused. */
  dangerous: Change[];
  /** Entries of schema-changes.json that match no change (stale once the baseline moves): they fail too. */
  unused: AllowedChange[];
};

/** Compares `current` with `baseline` under the rules above; `today` is YYYY-MM-DD. */
export async function checkEvolution(options: {
  baseline: GraphQLSchema;
  current: GraphQLSchema;
  allowed: AllowedChange[];
  today: string;
}): Promise<Verdict> {
  const changes = await diff(options.baseline, options.current);
  const removable = new Map(deprecations(options.baseline).map((d) => [d.path, removalDate(d.reason)]));
  const matches = (change: Change, entry: AllowedChange) => entry.type === String(change.type) && entry.path === change.path;
  const verdict: Verdict = { refused: [], allowed: [], planned: [], dangerous: [], unused: [] };
  for (const change of changes) {
    if (change.criticality.level === CriticalityLevel.Dangerous) verdict.dangerous.push(change);
    if (change.criticality.level !== CriticalityLevel.Breaking) continue;
    const due = change.path ? removable.get(change.path) : undefined;
    if (options.allowed.some((entry) => matches(change, entry))) verdict.allowed.push(change);
    else if (REMOVAL_TYPES.has(String(change.type)) && due && due <= options.today) verdict.planned.push(change);
    else verdict.refused.push(change);
  }
  verdict.unused = options.allowed.filter((entry) => !changes.some((change) => matches(change, entry)));
  return verdict;
}

/** schema-changes.json: a list of { type, path, reason }, each reason non-empty. */
export function parseAllowed(json: unknown): AllowedChange[] {
  if (!Array.isArray(json)) throw new Error('schema-changes.json must be a JSON array');
  return json.map((entry: unknown, i) => {
    const e = entry as Partial<AllowedChange> | null;
    if (!e || typeof e.type !== 'string' || typeof e.path !== 'string' || typeof e.reason !== 'string' || !e.reason.trim()) {
      throw new Error(`schema-changes.json[${i}] needs a type, a path and a reason`);
    }
    return { type: e.type, path: e.path, reason: e.reason };
  });
}
