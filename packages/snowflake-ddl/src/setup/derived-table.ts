import type { SnowflakeType } from '../types/snowflake-type.js';

/** A column of a derived table. */
export interface DerivedColumn {
  readonly name: string;
  readonly type: SnowflakeType;
  /** Default true; key columns are always NOT NULL. */
  readonly nullable?: boolean;
  readonly comment?: string;
}

/** What a derived table's `select` is given to build its query. */
export interface DerivedSelectContext {
  /**
   * A parenthesised subquery: the rows of the consolidated table (one row per source key, latest
   * run) whose derived keys were touched by the rows this task run reads from the stream. Use it
   * as `FROM ${ctx.source} AS x`. It exposes every source column plus `_FLOE_RUN_ID`,
   * `_FLOE_FILE`, `_FLOE_ROW`, `_FLOE_LOADED_AT`.
   */
  readonly source: string;
  /** The one identifier rule (upper-case, double-quote). */
  readonly ident: (name: string) => string;
  /** A safely escaped string literal. */
  readonly literal: (text: string) => string;
}

/**
 * A table the task keeps up to date from the consolidated table: key columns + a SELECT. The task
 * recomputes the rows for the keys a delivery touched and MERGEs them (update all non-key columns,
 * insert missing keys), so a re-delivered day never duplicates a row.
 *
 * The SELECT must return exactly one row per key, with one output column per entry of `columns`
 * (named like them). `keys` must also be columns of the source table: they decide which rows a
 * delivery touched.
 */
export interface DerivedTableSpec {
  readonly name: string;
  readonly comment?: string;
  readonly keys: readonly string[];
  readonly columns: readonly DerivedColumn[];
  readonly select: (ctx: DerivedSelectContext) => string;
}
