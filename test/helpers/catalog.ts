// The database shape the drift test compares: once read from a live catalog, once derived from
// Prisma's DMMF. Both flatten to `key -> description` lines (e.g. `column users.email` ->
// `character varying(254) NOT NULL`), so a mismatch reads as a list of the lines that differ.
// Object names follow Prisma's conventions, so a hand-written migration that names an index
// differently from what `prisma migrate dev` would generate also shows up as drift.
import { readFileSync } from 'node:fs';
import { get_dmmf } from '@prisma/prisma-schema-wasm';
import type pg from 'pg';

export type Catalog = Map<string, string>;

const IGNORED_TABLES = ['_prisma_migrations'];
const ACTIONS: Record<string, string> = {
  a: 'NO ACTION',
  r: 'RESTRICT',
  c: 'CASCADE',
  n: 'SET NULL',
  d: 'SET DEFAULT',
  NoAction: 'NO ACTION',
  Restrict: 'RESTRICT',
  Cascade: 'CASCADE',
  SetNull: 'SET NULL',
  SetDefault: 'SET DEFAULT',
};

const column = (type: string, nullable: boolean, hasDefault: boolean) =>
  `${type}${nullable ? '' : ' NOT NULL'}${hasDefault ? ' DEFAULT' : ''}`;
const index = (kind: string, table: string, columns: string[]) => `${kind} ${table}(${columns.join(', ')})`;
/** B-tree is the default and goes unsaid; any other access method (GIN, GiST...) is part of the description. */
const withMethod = (kind: string, method: string) => (method.toLowerCase() === 'btree' ? kind : `${kind} using ${method.toLowerCase()}`);
const foreignKey = (table: string, columns: string[], refTable: string, refColumns: string[], onDelete: string, onUpdate: string) =>
  `${table}(${columns.join(', ')}) -> ${refTable}(${refColumns.join(', ')}) ON DELETE ${onDelete} ON UPDATE ${onUpdate}`;

/** Reads the current schema's enums, tables, columns, indexes and foreign keys (CHECKs are left out). */
export async function readCatalog(db: pg.Pool | pg.Client): Promise<Catalog> {
  const catalog: Catalog = new Map();
  const enums = await db.query<{ name: string; labels: string[] }>(`
    SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = current_schema() GROUP BY t.typname`);
  for (const e of enums.rows) catalog.set(`enum ${e.name}`, e.labels.join(', '));

  const tables = await db.query<{ name: string }>(
    `
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relname <> ALL($1)`,
    [IGNORED_TABLES],
  );
  for (const t of tables.rows) catalog.set(`table ${t.name}`, 'exists');

  // Enum columns are named by their bare type name; format_type would quote mixed-case ones.
  const columns = await db.query<{ table: string; name: string; type: string; nullable: boolean; has_default: boolean }>(
    `
    SELECT c.relname AS table, a.attname AS name,
      CASE WHEN t.typtype = 'e' THEN t.typname::text ELSE format_type(a.atttypid, a.atttypmod) END AS type,
      NOT a.attnotnull AS nullable, a.atthasdef AS has_default
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_type t ON t.oid = a.atttypid
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relname <> ALL($1)
      AND a.attnum > 0 AND NOT a.attisdropped`,
    [IGNORED_TABLES],
  );
  for (const c of columns.rows) catalog.set(`column ${c.table}.${c.name}`, column(c.type, c.nullable, c.has_default));

  // pg_get_indexdef(oid, k, true) gives key k as a column name (or the expression, which Prisma can't express).
  const indexes = await db.query<{
    table: string;
    name: string;
    primary: boolean;
    unique: boolean;
    partial: boolean;
    method: string;
    columns: string[];
  }>(
    `
    SELECT c.relname AS table, ic.relname AS name, i.indisprimary AS primary, i.indisunique AS unique,
      i.indpred IS NOT NULL AS partial, am.amname AS method,
      ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) || CASE WHEN i.indoption[k - 1] & 1 = 1 THEN ' DESC' ELSE '' END
            FROM generate_series(1, i.indnkeyatts) AS k ORDER BY k) AS columns
    FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
      JOIN pg_am am ON am.oid = ic.relam JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relname <> ALL($1)`,
    [IGNORED_TABLES],
  );
  for (const i of indexes.rows) {
    const kind = i.primary ? 'primary key' : i.unique ? 'unique index' : 'index';
    catalog.set(`index ${i.name}`, index(withMethod(i.partial ? `partial ${kind}` : kind, i.method), i.table, i.columns));
  }

  const fks = await db.query<{
    name: string;
    table: string;
    columns: string[];
    ref_table: string;
    ref_columns: string[];
    on_delete: string;
    on_update: string;
  }>(
    `
    SELECT con.conname AS name, c.relname AS table, rc.relname AS ref_table,
      ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(num, ord)
            JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord) AS columns,
      ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(num, ord)
            JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord) AS ref_columns,
      con.confdeltype::text AS on_delete, con.confupdtype::text AS on_update
    FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_class rc ON rc.oid = con.confrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE con.contype = 'f' AND n.nspname = current_schema() AND c.relname <> ALL($1)`,
    [IGNORED_TABLES],
  );
  for (const f of fks.rows) {
    catalog.set(
      `foreign key ${f.name}`,
      foreignKey(f.table, f.columns, f.ref_table, f.ref_columns, ACTIONS[f.on_delete], ACTIONS[f.on_update]),
    );
  }
  return catalog;
}

// The slice of Prisma's DMMF used here. Optional keys are omitted by get_dmmf when not set.
type DmmfField = {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  type: string;
  isList: boolean;
  isRequired: boolean;
  hasDefaultValue: boolean;
  default?: unknown;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
};
type DmmfModel = { name: string; dbName: string | null; fields: DmmfField[] };
type DmmfEnum = { name: string; dbName?: string | null; values: { name: string; dbName: string | null }[] };
type DmmfIndex = {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  dbName?: string | null;
  algorithm?: string;
  fields: { name: string; sortOrder?: 'asc' | 'desc' }[];
};
type Datamodel = { models: DmmfModel[]; enums: DmmfEnum[]; indexes: DmmfIndex[] };

export function readDatamodel(schemaText = readFileSync('prisma/schema.prisma', 'utf8')): Datamodel {
  let json: string;
  try {
    json = get_dmmf(JSON.stringify({ prismaSchema: [['schema.prisma', schemaText]] }));
  } catch (error) {
    // The wasm throws its JSON error report, colour codes included.
    const report = error instanceof Error ? error.message : String(error);
    const message = report.startsWith('{') ? ((JSON.parse(report) as { message?: string }).message ?? report) : report;
    // The escape character starts each ANSI colour code in the report.
    // eslint-disable-next-line no-control-regex
    throw new Error(`prisma/schema.prisma is invalid:\n${message.replace(/\u001b\[[0-9;]*m/g, '')}`, { cause: error });
  }
  return (JSON.parse(json) as { datamodel: Datamodel }).datamodel;
}

// Prisma's PostgreSQL column types, as format_type() prints them.
const SCALAR_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Float: 'double precision',
  Decimal: 'numeric(65,30)',
  Boolean: 'boolean',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Bytes: 'bytea',
};
const NATIVE_TYPES: Record<string, (args: string[]) => string> = {
  Text: () => 'text',
  Uuid: () => 'uuid',
  Integer: () => 'integer',
  SmallInt: () => 'smallint',
  BigInt: () => 'bigint',
  Boolean: () => 'boolean',
  Date: () => 'date',
  Real: () => 'real',
  DoublePrecision: () => 'double precision',
  JsonB: () => 'jsonb',
  Json: () => 'json',
  ByteA: () => 'bytea',
  Inet: () => 'inet',
  Citext: () => 'citext',
  VarChar: (a) => `character varying${params(a)}`,
  Char: (a) => `character${params(a)}`,
  Decimal: (a) => `numeric${params(a)}`,
  Timestamptz: (a) => `timestamp${params(a)} with time zone`,
  Timestamp: (a) => `timestamp${params(a)} without time zone`,
  Timetz: (a) => `time${params(a)} with time zone`,
  Time: (a) => `time${params(a)} without time zone`,
};
const params = (args: string[]) => (args.length ? `(${args.join(',')})` : '');
// These defaults are filled in by Prisma Client, not by the database.
const CLIENT_DEFAULTS = new Set(['uuid', 'cuid', 'nanoid', 'ulid']);

/** Prisma's default constraint names: `{table}_{columns}_{suffix}`, trimmed to PostgreSQL's 63 bytes. */
const conventionalName = (parts: string[], suffix: string) => parts.join('_').slice(0, 63 - suffix.length) + suffix;

/**
 * Fields of type `Unsupported("...")`, which the DMMF leaves out of its models (though its indexes
 * name them): read from the schema text, as `{ model: [{ name, dbName, type, isRequired }] }`.
 */
function unsupportedFields(schemaText: string): Map<string, { name: string; dbName: string; type: string; isRequired: boolean }[]> {
  const found = new Map<string, { name: string; dbName: string; type: string; isRequired: boolean }[]>();
  for (const [, model, body] of schemaText.matchAll(/^model\s+(\w+)\s*\{([^}]*)\}/gm)) {
    for (const [, name, type, optional, rest] of body.matchAll(/^\s*(\w+)\s+Unsupported\("([^"]+)"\)(\?)?(.*)$/gm)) {
      const dbName = /@map\("([^"]+)"\)/.exec(rest)?.[1] ?? name;
      if (rest.includes('@default(')) throw new Error(`${model}.${name}: defaults on Unsupported fields are not compared`);
      found.set(model, [...(found.get(model) ?? []), { name, dbName, type, isRequired: optional !== '?' }]);
    }
  }
  return found;
}

/** The catalog `prisma migrate dev` would produce for this schema (CHECK constraints aside). */
export function catalogFromSchema(schemaText = readFileSync('prisma/schema.prisma', 'utf8')): Catalog {
  const { models, enums, indexes } = readDatamodel(schemaText);
  const unsupported = unsupportedFields(schemaText);
  const catalog: Catalog = new Map();
  const enumNames = new Map(enums.map((e) => [e.name, e.dbName ?? e.name]));
  for (const e of enums) catalog.set(`enum ${e.dbName ?? e.name}`, e.values.map((v) => v.dbName ?? v.name).join(', '));

  const tableOf = new Map(models.map((m) => [m.name, m.dbName ?? m.name]));
  const columnOf = (model: DmmfModel, field: string) => {
    const f = model.fields.find((x) => x.name === field) ?? unsupported.get(model.name)?.find((x) => x.name === field);
    if (!f) throw new Error(`${model.name}.${field} not found in the DMMF`);
    return f.dbName ?? f.name;
  };

  for (const model of models) {
    const table = tableOf.get(model.name)!;
    catalog.set(`table ${table}`, 'exists');
    // The type is written into the migration as given, so it must be what format_type() prints.
    for (const f of unsupported.get(model.name) ?? []) catalog.set(`column ${table}.${f.dbName}`, column(f.type, !f.isRequired, false));
    for (const f of model.fields) {
      if (f.kind === 'object') {
        if (!f.relationFromFields?.length) continue;
        const target = models.find((m) => m.name === f.type)!;
        const columns = f.relationFromFields.map((n) => columnOf(model, n));
        const optional = f.relationFromFields.some((n) => !model.fields.find((x) => x.name === n)!.isRequired);
        // Prisma's referential-action defaults: SetNull for optional relations, Restrict for required.
        const onDelete = f.relationOnDelete ?? (optional ? 'SetNull' : 'Restrict');
        // The DMMF omits a relation's `map:`, so foreign keys are expected under Prisma's default name.
        catalog.set(
          `foreign key ${conventionalName([table, ...columns], '_fkey')}`,
          foreignKey(
            table,
            columns,
            tableOf.get(target.name)!,
            f.relationToFields!.map((n) => columnOf(target, n)),
            ACTIONS[onDelete],
            ACTIONS[f.relationOnUpdate ?? 'Cascade'],
          ),
        );
        continue;
      }
      if (f.kind === 'unsupported') throw new Error(`${model.name}.${f.name}: Unsupported types are not compared`);
      const base = f.kind === 'enum' ? enumNames.get(f.type)! : scalarType(f);
      const clientDefault =
        typeof f.default === 'object' && f.default !== null && 'name' in f.default && CLIENT_DEFAULTS.has(String(f.default.name));
      // Scalar lists are never NOT NULL in Prisma's PostgreSQL migrations.
      catalog.set(
        `column ${table}.${f.dbName ?? f.name}`,
        column(f.isList ? `${base}[]` : base, !f.isRequired || f.isList, f.hasDefaultValue && !clientDefault),
      );
    }
  }

  for (const i of indexes) {
    const model = models.find((m) => m.name === i.model)!;
    const table = tableOf.get(model.name)!;
    const columns = i.fields.map((f) => columnOf(model, f.name));
    const shown = i.fields.map((f, k) => (f.sortOrder === 'desc' ? `${columns[k]} DESC` : columns[k]));
    if (i.type === 'fulltext') throw new Error('fulltext indexes do not exist on PostgreSQL');
    const [kind, name] =
      i.type === 'id'
        ? ['primary key', conventionalName([table], '_pkey')]
        : i.type === 'unique'
          ? ['unique index', conventionalName([table, ...columns], '_key')]
          : ['index', conventionalName([table, ...columns], '_idx')];
    catalog.set(`index ${i.dbName ?? name}`, index(withMethod(kind, i.algorithm ?? 'btree'), table, shown));
  }
  return catalog;
}

function scalarType(f: DmmfField): string {
  const [name, args] = f.nativeType ?? [f.type, []];
  const type = f.nativeType ? NATIVE_TYPES[name]?.(args) : SCALAR_TYPES[name];
  if (!type) throw new Error(`${f.name}: no PostgreSQL type known for ${name}; add it to test/helpers/catalog.ts`);
  return type;
}

/** One line per difference, e.g. `column issues.estimate: schema says "integer", database has "integer NOT NULL"`. */
export function diffCatalogs(expected: Catalog, actual: Catalog): string[] {
  const keys = [...new Set([...expected.keys(), ...actual.keys()])].sort();
  return keys.flatMap((key) => {
    const want = expected.get(key);
    const got = actual.get(key);
    if (want === got) return [];
    if (got === undefined) return [`${key}: in schema.prisma (${want ?? '?'}) but not in the migrated database`];
    if (want === undefined) return [`${key}: in the migrated database (${got}) but not in schema.prisma`];
    return [`${key}: schema.prisma says "${want}", migrated database has "${got}"`];
  });
}
