import type { ColumnSchema, TableSchema } from '../contracts/schema.js';
import type { ExtractWindow } from '../contracts/window.js';
import { floeError } from '../errors.js';
import type { PgClientLike } from './postgres-connection.js';
import { CURSOR_TYPES, quoteIdent, quoteLiteral } from './postgres-sql.js';

/**
 * How an extraction is split over several connections: `slices` key ranges of `key`, each read by
 * its own connection inside one exported snapshot.
 */
export interface SplitOptions {
  /** Connections reading the window in parallel (1 to 16; 1 means no split). */
  readonly slices: number;
  /**
   * An orderable column (integer, numeric, date, timestamp, timestamptz) to cut into ranges.
   * Default: the primary key's first column, else the window's column.
   */
  readonly key?: string;
}

export const MAX_SLICES = 16;

/** Checks the options before any connection is opened. */
export function validateSplit(split: SplitOptions | undefined, object: string): void {
  if (split === undefined) return;
  if (!Number.isInteger(split.slices) || split.slices < 1 || split.slices > MAX_SLICES) {
    throw floeError('config', `split.slices must be a whole number from 1 to ${MAX_SLICES}, got ${String(split.slices)}.`, 'Use about as many slices as the PostgreSQL server and this machine have idle cores, e.g. 2 or 4.', { object });
  }
}

/** The column the ranges are cut on, or a FloeError saying how to name one. */
export function splitKey(schema: TableSchema, split: SplitOptions, window: ExtractWindow, object: string): ColumnSchema {
  const named = split.key ?? schema.primaryKey[0] ?? (window.kind === 'full' ? undefined : window.column);
  if (named === undefined) {
    throw floeError('config', `${object} has no primary key to split on.`, 'Name an orderable column in split.key (an id or a timestamp), or set split.slices to 1.', { object });
  }
  const col = schema.columns.find((c) => c.name === named);
  if (!col) {
    throw floeError('unknown_column', `Split key "${named}" is not a column of ${object}.`, `Use one of: ${schema.columns.map((c) => c.name).join(', ')}.`, { object: `${object}.${named}` });
  }
  if (col.isArray || !CURSOR_TYPES.has(col.baseType)) {
    throw floeError('config', `Split key "${col.name}" of ${object} is ${col.pgType}; ranges need an integer, numeric, date, timestamp or timestamptz column.`, 'Name another column in split.key, or set split.slices to 1.', { object: `${object}.${col.name}` });
  }
  return col;
}

/**
 * The WHERE conditions of each slice: equal-width ranges between the key's min and max in the
 * window, computed in the snapshot so every connection agrees. Rows whose key is NULL go to the
 * first slice, so the slices cover the window exactly once. An empty window gives one slice.
 *
 * Equal widths, not quantiles: min and max come from an index when there is one, while quantiles
 * would cost a sort of the whole window, the very work the split is meant to share out. A key whose
 * values bunch up (most rows in one range) splits unevenly; name a better-spread key then.
 */
export async function sliceConditions(client: PgClientLike, key: ColumnSchema, from: string, where: string, slices: number): Promise<string[]> {
  const ref = `q.${quoteIdent(key.name)}`;
  const type = `pg_catalog.${key.baseType}`;
  const cut = (i: number): string => {
    switch (key.baseType) {
      case 'date':
        return `(lo + ceil(((hi - lo) * ${i})::numeric / ${slices})::int)::text`;
      case 'timestamp':
      case 'timestamptz':
        return `(lo + (hi - lo) * (${i}::float8 / ${slices}))::text`;
      case 'numeric':
        return `(lo + ((hi - lo) * ${i}) / ${slices})::text`;
      default:
        // Integer arithmetic in numeric, so hi - lo cannot overflow; rounding up keeps cuts on whole
        // values and gives the first slice at least lo whenever hi > lo.
        return `(lo::numeric + ceil(((hi::numeric - lo::numeric) * ${i}) / ${slices}))::text`;
    }
  };
  const cuts = Array.from({ length: slices - 1 }, (_, i) => `${cut(i + 1)} AS c${i + 1}`);
  const res = await client.query(`SELECT ${cuts.join(', ')} FROM (SELECT min(${ref}) AS lo, max(${ref}) AS hi FROM ${from} AS q WHERE ${where}) AS b`);
  const row = (res.rows[0] ?? {}) as Record<string, string | null>;
  const values = cuts.map((_, i) => row[`c${i + 1}`] ?? null);
  if (values.some((v) => v === null)) return ['TRUE'];
  const lit = (v: string) => `${quoteLiteral(v)}::${type}`;
  return Array.from({ length: slices }, (_, i) => {
    const lower = i === 0 ? null : lit(values[i - 1]!);
    const upper = i === slices - 1 ? null : lit(values[i]!);
    if (lower === null) return `(${ref} < ${upper!} OR ${ref} IS NULL)`;
    if (upper === null) return `${ref} >= ${lower}`;
    return `${ref} >= ${lower} AND ${ref} < ${upper}`;
  });
}
