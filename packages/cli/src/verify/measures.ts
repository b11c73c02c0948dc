import type { SourceTable } from '@floe/snowflake-ddl';
import { ident, literal } from '../sf-sql.js';

/** One figure compared per day: its SQL over the Snowflake rows and over the PostgreSQL source rows. */
export interface Measure {
  readonly name: string;
  /** Aggregate over the Snowflake rows of the day (an exact NUMBER). */
  readonly snowflake: string;
  /** Aggregate over the PostgreSQL source rows of the day (an exact numeric). */
  readonly postgres: string;
}

/** A Snowflake table reconciled against the source table it is built from. */
export interface TargetCheck {
  /** The Snowflake table, unquoted (e.g. `SALES`): the label of its figures. */
  readonly table: string;
  /** The FROM clause on the Snowflake side (a qualified table, or a join that supplies the day). */
  readonly from: string;
  /** Snowflake expression giving a row's day as DATE. */
  readonly snowflakeDay: string;
  readonly measures: readonly Measure[];
}

const INTEGER_TYPES = new Set(['int2', 'int4', 'int8']);

/** `"col"` for PostgreSQL (names kept as the catalog stores them). */
export function pgIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * The day of a window column: a date as is, a timestamp by its wall time, a timestamptz in the
 * window's zone. `alias` qualifies the Snowflake column (for joins).
 */
export function dayExpressions(source: SourceTable, column: string, timeZone: string, alias?: string): { postgres: string; snowflake: string } {
  const col = source.columns.find((c) => c.name === column);
  const sfCol = `${alias ? `${alias}.` : ''}${ident(column)}`;
  if (col?.baseType === 'timestamptz') {
    return { postgres: `(${pgIdent(column)} AT TIME ZONE '${timeZone.replace(/'/g, "''")}')::date`, snowflake: `CAST(CONVERT_TIMEZONE(${literal(timeZone)}, ${sfCol}) AS DATE)` };
  }
  return { postgres: `${pgIdent(column)}::date`, snowflake: `CAST(${sfCol} AS DATE)` };
}

/**
 * The consolidated table (one row per source key): row count and the exact sum of every numeric
 * column and every integer column outside the key (money, quantities), per day.
 */
export function consolidatedCheck(source: SourceTable, target: string, from: string, snowflakeDay: string): TargetCheck {
  const measures: Measure[] = [{ name: 'rows', snowflake: 'COUNT(*)', postgres: 'count(*)' }];
  for (const c of source.columns) {
    if (c.isArray) continue;
    if (c.baseType === 'numeric' || (INTEGER_TYPES.has(c.baseType) && !source.primaryKey.includes(c.name))) {
      measures.push({ name: `sum(${c.name})`, snowflake: `SUM(${ident(c.name)})`, postgres: `sum(${pgIdent(c.name)})` });
    }
  }
  return { table: target, from, snowflakeDay, measures };
}
