import type { ColumnSchema, TableSchema } from '../contracts/schema.js';
import { floeError } from '../errors.js';
import type { PgClientLike } from './postgres-connection.js';
import { quoteIdent } from './postgres-sql.js';

/** What the extractor reads: a table (or view) by name, or a named query. */
export type PgSourceSpec =
  | { readonly table: { readonly schema: string; readonly name: string } }
  | { readonly query: { readonly sql: string; readonly name: string } };

interface TypeRow {
  pg_type: string;
  base_type: string;
  is_array: boolean;
  typmod: number;
}

/** The object name used in messages and as the TableSchema name. */
export function sourceObjectName(spec: PgSourceSpec): string {
  return 'table' in spec ? `${spec.table.schema}.${spec.table.name}` : spec.query.name;
}

/** The FROM item of every statement the extractor runs on the source. */
export function sourceFrom(spec: PgSourceSpec): string {
  return 'table' in spec ? `${quoteIdent(spec.table.schema)}.${quoteIdent(spec.table.name)}` : `(${spec.query.sql})`;
}

/**
 * Reads the column types from the catalog (never from values). Domains resolve to their base type
 * and array columns report their element type, so the Snowflake side types them correctly.
 */
export async function describeSource(client: PgClientLike, spec: PgSourceSpec): Promise<TableSchema> {
  return 'table' in spec ? await describeTable(client, spec.table) : await describeQuery(client, spec.query);
}

/** Narrows a described source to the requested columns, in the requested order. */
export function pickColumns(all: TableSchema, columns: readonly string[] | undefined, name: string): TableSchema {
  if (!columns) return all;
  if (columns.length === 0) throw floeError('config', `The column list for ${name} is empty.`, 'List at least one column, or leave the list out to extract every column.', { object: name });
  const picked: ColumnSchema[] = [];
  for (const c of columns) {
    const col = all.columns.find((x) => x.name === c);
    if (!col) {
      throw floeError('unknown_column', `Column "${c}" is not in ${name} (it has: ${all.columns.map((x) => x.name).join(', ')}).`, 'Fix the column list; names are case-sensitive as stored in PostgreSQL (usually lower case).', { object: `${name}.${c}` });
    }
    picked.push(col);
  }
  // A key is only a key if all its columns travel.
  const keyKept = all.primaryKey.every((k) => picked.some((c) => c.name === k));
  return { ...all, columns: picked, primaryKey: keyKept ? all.primaryKey : [] };
}

// For each attribute: its declared type text, and the base type once domains and arrays are peeled.
const TYPE_SQL = `
  WITH RECURSIVE dom(oid, typmod, depth) AS (
    SELECT $1::oid, $2::int, 0
    UNION ALL
    SELECT t.typbasetype, t.typtypmod, d.depth + 1 FROM dom d JOIN pg_type t ON t.oid = d.oid WHERE t.typtype = 'd'
  ), resolved AS (
    SELECT d.oid, CASE WHEN d.depth = 0 THEN $2::int ELSE d.typmod END AS typmod FROM dom d ORDER BY d.depth DESC LIMIT 1
  )
  SELECT format_type($1::oid, $2::int) AS pg_type,
         COALESCE(e.typname, t.typname)::text AS base_type,
         (t.typcategory = 'A' AND e.oid IS NOT NULL) AS is_array,
         r.typmod
    FROM resolved r JOIN pg_type t ON t.oid = r.oid LEFT JOIN pg_type e ON e.oid = t.typelem AND t.typcategory = 'A'`;

async function typeOf(client: PgClientLike, oid: number, typmod: number): Promise<TypeRow> {
  const res = await client.query(TYPE_SQL, [oid, typmod]);
  const row = res.rows[0] as TypeRow | undefined;
  if (!row) throw floeError('internal', `PostgreSQL type ${oid} was not found in pg_type.`, 'Report this as a floe bug.');
  return row;
}

function column(name: string, t: TypeRow, nullable: boolean): ColumnSchema {
  const base = t.base_type;
  const mod = Number(t.typmod);
  const extra: { precision?: number; scale?: number; length?: number } = {};
  if (base === 'numeric' && mod >= 4) {
    extra.precision = ((mod - 4) >> 16) & 0xffff;
    // Scale is an 11-bit signed field since PostgreSQL 15 (negative scales round to tens).
    const s = (mod - 4) & 0x7ff;
    extra.scale = s > 1023 ? s - 2048 : s;
  } else if ((base === 'varchar' || base === 'bpchar') && mod >= 4) {
    extra.length = mod - 4;
  }
  return { name, pgType: t.pg_type, baseType: base, isArray: Boolean(t.is_array), nullable, ...extra };
}

async function describeTable(client: PgClientLike, table: { schema: string; name: string }): Promise<TableSchema> {
  const rel = await client.query(
    `SELECT c.oid::int8::text AS oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r','p','v','m','f')`,
    [table.schema, table.name],
  );
  const relOid = (rel.rows[0] as { oid: string } | undefined)?.oid;
  const object = `${table.schema}.${table.name}`;
  if (relOid === undefined) {
    throw floeError('unknown_table', `Table ${object} does not exist (or is not visible to this user).`, 'Check the schema and table name (PostgreSQL stores unquoted names in lower case) and the user\'s USAGE/SELECT grants.', { object });
  }
  const attrs = await client.query(
    `SELECT a.attname::text AS name, a.atttypid::int8 AS oid, a.atttypmod AS typmod, NOT a.attnotnull AS nullable
       FROM pg_attribute a WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [relOid],
  );
  const columns: ColumnSchema[] = [];
  for (const r of attrs.rows as Array<{ name: string; oid: string; typmod: number; nullable: boolean }>) {
    columns.push(column(r.name, await typeOf(client, Number(r.oid), r.typmod), r.nullable));
  }
  const pk = await client.query(
    `SELECT a.attname::text AS name FROM pg_index i
       CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE i.indrelid = $1::oid AND i.indisprimary ORDER BY k.ord`,
    [relOid],
  );
  return { schema: table.schema, name: table.name, columns, primaryKey: (pk.rows as Array<{ name: string }>).map((r) => r.name) };
}

async function describeQuery(client: PgClientLike, query: { sql: string; name: string }): Promise<TableSchema> {
  // LIMIT 0 plans the query and returns its row description without reading a row.
  const res = await client.query(`SELECT * FROM (${query.sql}) AS q LIMIT 0`);
  const columns: ColumnSchema[] = [];
  const seen = new Set<string>();
  for (const f of res.fields) {
    if (seen.has(f.name)) {
      throw floeError('config', `Query ${query.name} returns two columns named "${f.name}".`, 'Give every output column of the query a distinct alias.', { object: query.name });
    }
    seen.add(f.name);
    // A query result carries no NOT NULL information: every column may be null.
    columns.push(column(f.name, await typeOf(client, f.dataTypeID, f.dataTypeModifier), true));
  }
  return { schema: '', name: query.name, columns, primaryKey: [] };
}
