/** Measuring how far a table's committed row ids reach. */
import type { EngineContext } from '../engine/extension.js';
import { splitQualified, sqlName } from './sql-text.js';

/** Appears (as a column alias) in the extension's own probe queries, which must never be intercepted. */
export const INTERNAL_MARKER = '__FLOE_INTERNAL';

/**
 * DuckDB numbers rows a transaction inserted but has not committed from about 3.6e16 upwards; they
 * get their real row ids at commit, so a high water ignores them.
 */
export const UNCOMMITTED_ROW_IDS = 10_000_000_000_000_000n;

/** `MAX(rowid) + 1` over committed rows of a table, run through the engine in `ctx`'s session. */
export async function measureHighWater(ctx: Pick<EngineContext, 'sql'>, table: string): Promise<bigint> {
  const result = await ctx.sql(`SELECT COALESCE(MAX(rowid) + 1, 0) AS "${INTERNAL_MARKER}" FROM ${sqlName(table)} WHERE rowid < ${UNCOMMITTED_ROW_IDS}`);
  const value = result.rows[0]?.[0];
  return value === null || value === undefined ? 0n : BigInt(value);
}

/**
 * DuckDB's internal id of the table behind a qualified name (undefined when it does not exist): a
 * re-created table gets a new one, and its row ids start again from zero.
 */
export async function tableIdentity(ctx: Pick<EngineContext, 'duck'>, table: string): Promise<string | undefined> {
  const [database, schema, name] = splitQualified(table);
  const reader = await ctx.duck.runAndReadAll('SELECT table_oid FROM duckdb_tables() WHERE database_name = $1 AND schema_name = $2 AND table_name = $3', [database ?? '', schema ?? '', name ?? '']);
  const oid = reader.getRows()[0]?.[0];
  return oid === undefined || oid === null ? undefined : String(oid);
}
