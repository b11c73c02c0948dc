/**
 * The COPY target table as Snowflake describes it, and the batched INSERTs that load converted
 * rows into it through the engine (so streams and transactions see COPY like any other DML).
 */
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
}

export interface TargetTable {
  /** `DB.SCHEMA.NAME` as EngineContext.qualify gives it. */
  readonly qualified: string;
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
  const columns: TargetColumn[] = [];
  for (const row of result.rows) {
    if (kindAt >= 0 && row[kindAt] !== null && row[kindAt] !== 'COLUMN') continue;
    const name = row[nameAt];
    const typeText = row[typeAt];
    if (name === null || name === undefined || typeText === null || typeText === undefined) continue;
    const type = parseColumnType(typeText.replace(/\s+NOT NULL$/i, ''));
    if (type === undefined) throw compilationError(`COPY cannot load column '${name}' of type ${typeText} in the local endpoint.`, '000002', '0A000');
    columns.push({ name, type });
  }
  if (columns.length === 0) throw objectMissing('Table', qualified);
  return { qualified, columns };
}

/** Snowflake SQL for a converted value of `type` (canonical text from castValue). */
export function literalFor(value: string | null, type: ColumnType): string {
  if (value === null) return 'NULL';
  // The engine keeps TIMESTAMP_TZ/LTZ in microseconds: drop nanosecond digits (always zero from
  // floe's files) rather than have the cast reject them.
  // The offset is attached without a blank: DuckDB reads ' +00:00' as a zone name.
  if (type.base === 'TIMESTAMP_TZ' || type.base === 'TIMESTAMP_LTZ') value = value.replace(/(\.\d{6})\d{3} ([+-])/, '$1$2');
  const quoted = `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  switch (type.base) {
    case 'VARIANT':
    case 'OBJECT':
    case 'ARRAY':
      return `PARSE_JSON(${quoted})`;
    case 'BINARY':
      return `TO_BINARY(${quoted}, 'HEX')`;
    default:
      // Canonical text assigned to the column: the engine converts it on INSERT (exact for NUMBER).
      return quoted;
  }
}

/** The placeholder for one value of `type` (array binds carry canonical text). */
function placeholderFor(type: ColumnType): string {
  switch (type.base) {
    case 'VARIANT':
    case 'OBJECT':
    case 'ARRAY':
      return 'PARSE_JSON(?)';
    case 'BINARY':
      return "TO_BINARY(?, 'HEX')";
    default:
      return '?';
  }
}

/** Rows per INSERT: one prepared statement, executed per row from array binds. */
const BATCH_ROWS = 5000;

/**
 * Inserts rows (already converted to each column's canonical text) through the engine with array
 * binds: the statement is translated once, and values never pass through SQL text or a JS number.
 */
export async function insertRows(ctx: EngineContext, table: TargetTable, columns: readonly TargetColumn[], rows: ReadonlyArray<ReadonlyArray<string | null>>): Promise<void> {
  if (rows.length === 0) return;
  const columnList = columns.map((c) => `"${c.name.replace(/"/g, '""')}"`).join(', ');
  const sql = `INSERT INTO ${quoteQualified(table.qualified)} (${columnList}) VALUES (${columns.map((c) => placeholderFor(c.type)).join(', ')})`;
  for (let start = 0; start < rows.length; start += BATCH_ROWS) {
    const batch = rows.slice(start, start + BATCH_ROWS);
    const binds = columns.map((c, k) => batch.map((r) => bindText(r[k] ?? null, c.type)));
    await ctx.sql(sql, binds);
  }
}

function bindText(value: string | null, type: ColumnType): string | null {
  if (value === null) return null;
  // The offset is attached without a blank, the form DuckDB parses for TIMESTAMPTZ.
  if (type.base === 'TIMESTAMP_TZ' || type.base === 'TIMESTAMP_LTZ') return value.replace(/(\.\d{6})\d{3} ([+-])/, '$1$2');
  return value;
}
