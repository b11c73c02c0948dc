/**
 * The COPY target table as Snowflake describes it, and the bulk insert of converted rows into it.
 */
import { randomUUID } from 'node:crypto';
import type { EngineContext } from '../engine/extension.js';
import { compilationError, objectMissing } from './snowflake-error.js';
import { nameParts } from './sql-tokens.js';
import { parseColumnType, type ColumnType } from './value-casts.js';

/** `"DB"."SCHEMA"."NAME"`: each part quoted so a case-sensitive name survives the round trip. */
export function quoteQualified(qualified: string): string {
  return nameParts(qualified)
    .map((p) => `"${p.replace(/"/g, '""')}"`)
    .join('.');
}

export interface TargetColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
}

export interface TargetTable {
  /** `DB.SCHEMA.NAME` as EngineContext.qualify gives it. */
  readonly qualified: string;
  /** Changes when the table is dropped and created again (load metadata belongs to one table, not a name). */
  readonly identity: string;
  readonly columns: readonly TargetColumn[];
}

/** Reads the table's columns with `DESC TABLE` (Snowflake types, e.g. `NUMBER(10,2)`). */
export async function describeTarget(ctx: EngineContext, written: string): Promise<TargetTable> {
  const qualified = ctx.qualify(written);
  let result;
  try {
    result = await ctx.sql(`DESC TABLE ${quoteQualified(qualified)}`);
  } catch (e) {
    if (e instanceof Error && /does not exist/.test(e.message)) throw objectMissing('Table', qualified);
    throw e;
  }
  const nameAt = Math.max(0, result.columns.findIndex((c) => c.name.toLowerCase() === 'name'));
  const typeAt = Math.max(1, result.columns.findIndex((c) => c.name.toLowerCase() === 'type'));
  const kindAt = result.columns.findIndex((c) => c.name.toLowerCase() === 'kind');
  const nullAt = result.columns.findIndex((c) => c.name.toLowerCase() === 'null?');
  const columns: TargetColumn[] = [];
  for (const row of result.rows) {
    if (kindAt >= 0 && row[kindAt] !== null && row[kindAt] !== 'COLUMN') continue;
    const name = row[nameAt];
    const typeText = row[typeAt];
    if (name === null || name === undefined || typeText === null || typeText === undefined) continue;
    const type = parseColumnType(typeText.replace(/\s+NOT NULL$/i, ''));
    if (type === undefined) throw compilationError(`COPY cannot load column '${name}' of type ${typeText} in the local endpoint.`, '000002', '0A000');
    columns.push({ name, type, nullable: nullAt < 0 || row[nullAt] !== 'N' });
  }
  if (columns.length === 0) throw objectMissing('Table', qualified);
  const [database, schema, name] = nameParts(qualified);
  const oid = await ctx.duck.runAndReadAll('SELECT table_oid FROM duckdb_tables() WHERE database_name = $1 AND schema_name = $2 AND table_name = $3', [database ?? '', schema ?? '', name ?? '']);
  const identity = `${qualified}#${String(oid.getRowsJS()[0]?.[0] ?? '')}`;
  return { qualified, identity, columns };
}

/** DuckDB SQL reading staged text column `c` as the target column's value. */
function stagedExpression(type: ColumnType, c: string): string {
  switch (type.base) {
    case 'VARIANT':
    case 'OBJECT':
    case 'ARRAY':
      return `CAST(${c} AS JSON)`;
    case 'BINARY':
      return `unhex(${c})`;
    default:
      // Canonical text assigned to the column: DuckDB's insert cast parses it exactly (DECIMAL included).
      return c;
  }
}

/** Canonical text in the form DuckDB parses for the column's storage type. */
function stagedText(value: string, type: ColumnType): string {
  switch (type.base) {
    case 'TIMESTAMP_TZ':
    case 'TIMESTAMP_LTZ':
      // Stored in microseconds; the offset attached without a blank (DuckDB reads ' +00:00' as a zone name).
      return value.replace(/(\.\d{6})\d{3} ([+-])/, '$1$2');
    case 'TIME':
      return value.replace(/(\.\d{6})\d{3}$/, '$1');
    default:
      return value;
  }
}

/**
 * Inserts rows (already converted to each column's canonical text) in the session's own DuckDB
 * connection: appended to a temporary VARCHAR table, then INSERT ... SELECT into the target, so
 * values never pass through SQL text or a JS number. Streams see the rows (they track DuckDB row
 * ids); the caller owns the transaction.
 */
export async function insertRows(ctx: EngineContext, table: TargetTable, columns: readonly TargetColumn[], rows: ReadonlyArray<ReadonlyArray<string | null>>): Promise<void> {
  if (rows.length === 0) return;
  const staging = `floe_copy_${randomUUID().replace(/-/g, '')}`;
  await ctx.duck.run(`CREATE TEMP TABLE ${staging} (${columns.map((_, k) => `c${k} VARCHAR`).join(', ')})`);
  try {
    const appender = await ctx.duck.createAppender(staging, 'main', 'temp');
    try {
      for (const r of rows) {
        columns.forEach((c, k) => {
          const v = r[k] ?? null;
          if (v === null) appender.appendNull();
          else appender.appendVarchar(stagedText(v, c.type));
        });
        appender.endRow();
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    const columnList = columns.map((c) => `"${c.name.replace(/"/g, '""')}"`).join(', ');
    const select = columns.map((c, k) => stagedExpression(c.type, `c${k}`)).join(', ');
    await ctx.duck.run(`INSERT INTO ${quoteQualified(table.qualified)} (${columnList}) SELECT ${select} FROM temp.main.${staging}`);
  } finally {
    await ctx.duck.run(`DROP TABLE IF EXISTS temp.main.${staging}`);
  }
}
