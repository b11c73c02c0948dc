import type { ColumnSchema, TableSchema } from '../contracts/schema.js';
import type { ExtractWindow, Watermark } from '../contracts/window.js';
import { floeError } from '../errors.js';
import type { PgClientLike } from './postgres-connection.js';
import { CURSOR_TYPES, isRealDate, quoteIdent, quoteLiteral, renderColumn } from './postgres-sql.js';

/** The WHERE clause of a window and, for cursor windows, the upper bound chosen in the snapshot. */
export interface WindowPlan {
  readonly where: string;
  readonly upperBound: Watermark | null;
}

function windowColumn(schema: TableSchema, column: string, object: string): ColumnSchema {
  const col = schema.columns.find((c) => c.name === column);
  if (!col) {
    throw floeError('unknown_column', `Window column "${column}" is not in ${object}.`, `Use one of: ${schema.columns.map((c) => c.name).join(', ')}.`, { object: `${object}.${column}` });
  }
  return col;
}

/**
 * Turns a window into SQL, inside the extraction's snapshot. Values are inlined (COPY takes no bind
 * parameters), so each is validated first: dates are real dates, time zones exist in
 * pg_timezone_names, watermarks are cast by PostgreSQL through a bind parameter and re-rendered.
 */
export async function planWindow(client: PgClientLike, schema: TableSchema, from: string, window: ExtractWindow, object: string): Promise<WindowPlan> {
  if (window.kind === 'full') return { where: 'TRUE', upperBound: null };
  const col = windowColumn(schema, window.column, object);
  const ref = `q.${quoteIdent(col.name)}`;
  const target = `${object}.${col.name}`;
  if (window.kind === 'day') {
    if (!isRealDate(window.date)) {
      throw floeError('bad_window', `Window date "${window.date}" is not a real calendar date in YYYY-MM-DD form.`, 'Pass a date like 2005-05-31.', { object: target });
    }
    const tz = await client.query('SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1) AS ok', [window.timeZone]);
    if (!(tz.rows[0] as { ok: boolean } | undefined)?.ok) {
      throw floeError('bad_window', `Time zone "${window.timeZone}" is unknown to PostgreSQL.`, 'Use an IANA zone name listed in pg_timezone_names, e.g. UTC or Europe/Paris.', { object: target });
    }
    const d = quoteLiteral(window.date);
    const z = quoteLiteral(window.timeZone);
    if (col.isArray) throw badWindowType(col, target, 'day');
    switch (col.baseType) {
      case 'date':
        return { where: `${ref} = DATE ${d}`, upperBound: null };
      case 'timestamp':
        // Wall-clock day: the column holds no zone, so the window's zone cannot apply.
        return { where: `${ref} >= DATE ${d}::timestamp AND ${ref} < (DATE ${d} + 1)::timestamp`, upperBound: null };
      case 'timestamptz':
        // Local midnight to next local midnight: 23 or 25 hours across a DST change.
        return { where: `${ref} >= (DATE ${d}::timestamp AT TIME ZONE ${z}) AND ${ref} < ((DATE ${d} + 1)::timestamp AT TIME ZONE ${z})`, upperBound: null };
      default:
        throw badWindowType(col, target, 'day');
    }
  }
  if (col.isArray || !CURSOR_TYPES.has(col.baseType)) throw badWindowType(col, target, 'cursor');
  const lag = window.lagSeconds ?? 0;
  if (!Number.isFinite(lag) || lag < 0) {
    throw floeError('bad_window', `lagSeconds must be a non-negative number, got ${String(window.lagSeconds)}.`, 'Pass e.g. lagSeconds: 60, or leave it out.', { object: target });
  }
  if (lag > 0 && col.baseType !== 'timestamp' && col.baseType !== 'timestamptz') {
    throw floeError('bad_window', `lagSeconds applies to timestamp columns; "${col.name}" is ${col.pgType}.`, 'Leave lagSeconds out for this column, or use a timestamp cursor column.', { object: target });
  }
  const cast = `::pg_catalog.${col.baseType}`;
  let after: string | null = null;
  if (window.after) {
    if (window.after.column !== col.name) {
      throw floeError('bad_window', `The watermark belongs to column "${window.after.column}", not to the window column "${col.name}".`, 'Reset the watermark for this table, or use the column it was taken on.', { object: target });
    }
    try {
      const r = await client.query(`SELECT (${renderColumn(col, 'v.v')})::text AS t FROM (SELECT $1${cast} AS v) AS v`, [window.after.value]);
      after = (r.rows[0] as { t: string }).t;
    } catch (e) {
      throw floeError('bad_window', `Watermark "${window.after.value}" is not a valid ${col.pgType} value.`, 'Fix or reset the stored watermark for this table.', { object: target, cause: e });
    }
  }
  const lagSql = lag > 0 ? ` - make_interval(secs => ${Number(lag)})` : '';
  const up = await client.query(`SELECT (${renderColumn(col, 'm.m')})::text AS t FROM (SELECT max(${ref})${lagSql} AS m FROM ${from} AS q) AS m`);
  const upper = (up.rows[0] as { t: string | null } | undefined)?.t ?? null;
  if (upper === null) return { where: 'FALSE', upperBound: null };
  if (after !== null) {
    const cmp = await client.query(`SELECT $1${cast} > $2${cast} AS ahead`, [upper, after]);
    if (!(cmp.rows[0] as { ahead: boolean }).ahead) return { where: 'FALSE', upperBound: null };
  }
  const lower = after === null ? '' : `${ref} > ${quoteLiteral(after)}${cast} AND `;
  return { where: `${lower}${ref} <= ${quoteLiteral(upper)}${cast}`, upperBound: { column: col.name, value: upper } };
}

function badWindowType(col: ColumnSchema, target: string, kind: 'day' | 'cursor') {
  const allowed = kind === 'day' ? 'date, timestamp or timestamptz' : 'an integer, numeric, date, timestamp or timestamptz';
  return floeError('bad_window', `A ${kind} window needs ${allowed} column; "${col.name}" is ${col.pgType}.`, `Choose a ${kind} column of type ${allowed}.`, { object: target });
}
