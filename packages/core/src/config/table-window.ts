import { err, ok, type Result } from 'neverthrow';
import type { ExtractWindow } from '../contracts/window.js';
import { floeError, type FloeError } from '../errors.js';
import { findTable } from './config-names.js';
import type { FloeConfigFile } from './config-schema.js';

/** Which slice a run takes: a day (day windows) or a cursor start (cursor windows; absent = stored watermark). */
export type WindowSelection = { readonly date: string } | { readonly cursor?: string | null };

function isRealDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/**
 * The calendar day before `now` in `timeZone` (`YYYY-MM-DD`): the default day of a daily run, so a
 * job started at 01:00 in Paris extracts the Paris day that just ended, not the UTC one.
 */
export function previousDate(timeZone: string, now: Date = new Date()): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/**
 * The extract window of one run of a configured table: the table's window kind with the run's
 * slice (a day, or a cursor start). A selection that does not fit the table's window is a
 * `bad_window` error.
 */
export function windowFor(config: Pick<FloeConfigFile, 'tables' | 'run'>, tableName: string, selection: WindowSelection): Result<ExtractWindow, FloeError> {
  const found = findTable(config, tableName);
  if (found.isErr()) return err(found.error);
  const w = found.value.window;
  const object = `tables[name=${tableName}].window`;
  if (w.kind === 'day') {
    if (!('date' in selection)) {
      return err(floeError('bad_window', `Table ${tableName} is extracted by day: a run needs a date.`, 'Give a date such as 2005-05-31 (--date).', { object }));
    }
    if (!isRealDate(selection.date)) {
      return err(floeError('bad_window', `"${selection.date}" is not a calendar date.`, 'Write the date as YYYY-MM-DD, e.g. 2005-05-31.', { object }));
    }
    return ok({ kind: 'day', column: w.column, date: selection.date, timeZone: w.timeZone ?? config.run.timeZone });
  }
  if ('date' in selection) {
    return err(floeError('bad_window', `Table ${tableName} is extracted ${w.kind === 'cursor' ? 'by cursor' : 'in full'}: a date does not apply.`, 'Leave the date out (a cursor run continues from the stored watermark).', { object }));
  }
  if (w.kind === 'full') return ok({ kind: 'full' });
  const after = selection.cursor === undefined || selection.cursor === null ? null : { column: w.column, value: selection.cursor };
  return ok({ kind: 'cursor', column: w.column, after, ...(w.lagSeconds !== undefined ? { lagSeconds: w.lagSeconds } : {}) });
}
