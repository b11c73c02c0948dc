import type { FloeError, RunReport } from '@floe/core';
import { errorJson } from './output.js';
import { renderTable } from './summary-table.js';

/** What happened to one table on one day: the unit of run/backfill summaries. */
export interface RunOutcome {
  readonly table: string;
  /** The day of a day window; the partition date of a cursor/full run. */
  readonly date: string;
  readonly status: 'ok' | 'failed' | 'skipped';
  readonly reason?: string;
  readonly report?: RunReport;
  readonly error?: FloeError;
}

/** An outcome as JSON (the report's numbers, never an error cause). */
export function outcomeJson(o: RunOutcome): Record<string, unknown> {
  return {
    table: o.table,
    date: o.date,
    status: o.status,
    ...(o.reason ? { reason: o.reason } : {}),
    ...(o.report
      ? {
          runId: o.report.runId,
          window: o.report.window,
          rows: o.report.rows,
          files: o.report.files.length,
          bytes: o.report.bytes,
          manifestKey: o.report.manifestKey,
          durationMs: o.report.durationMs,
          ...(o.report.watermark ? { watermark: o.report.watermark } : {}),
        }
      : {}),
    ...(o.error ? { error: errorJson(o.error) } : {}),
  };
}

/** The end-of-command table; long backfills collapse to one line per status beyond `maxRows`. */
export function outcomesTable(outcomes: readonly RunOutcome[], maxRows = 40): string {
  const shown = outcomes.length > maxRows ? outcomes.filter((o) => o.status === 'failed').slice(0, maxRows) : outcomes;
  const rows = shown.map((o) => [o.table, o.date, o.status, o.report?.runId ?? o.reason ?? '', o.report ? o.report.rows : '', o.report ? o.report.files.length : '', o.report ? o.report.bytes : '', o.report ? `${(o.report.durationMs / 1000).toFixed(1)}s` : '']);
  const table = renderTable(['table', 'day', 'status', 'run id', 'rows', 'files', 'bytes', 'time'], rows);
  return shown.length === outcomes.length ? table : `${table}\n(${outcomes.length - shown.length} rows not shown: only failures are listed for long runs)`;
}

/** Totals by status, for the last line and the JSON. */
export function outcomeTotals(outcomes: readonly RunOutcome[]): { ok: number; failed: number; skipped: number; rows: number; bytes: number } {
  let okN = 0;
  let failed = 0;
  let skipped = 0;
  let rows = 0;
  let bytes = 0;
  for (const o of outcomes) {
    if (o.status === 'ok') okN++;
    else if (o.status === 'failed') failed++;
    else skipped++;
    rows += o.report?.rows ?? 0;
    bytes += o.report?.bytes ?? 0;
  }
  return { ok: okN, failed, skipped, rows, bytes };
}
