import { err, ok, type Result } from 'neverthrow';
import {
  createS3Client,
  createTableJob,
  floeError,
  previousDate,
  runExtract,
  windowFor,
  type ExtractWindow,
  type FloeConfig,
  type FloeError,
  type FloeErrorKind,
  type RunReport,
} from '@floe/core';
import type { DeadlineWatch } from './lambda-deadline.js';
import type { Invocation } from './lambda-events.js';

/** How long a stopped run may take to clean up (discard its staged parts) before the function answers anyway. */
const STALL_GRACE_MS = 10_000;

/** Resolves `'stalled'` once `signal` has been aborted for `graceMs`; never before the abort. */
function stalled(signal: AbortSignal, graceMs: number): Promise<'stalled'> {
  return new Promise((resolve) => {
    const later = () => setTimeout(() => resolve('stalled'), graceMs).unref();
    if (signal.aborted) later();
    else signal.addEventListener('abort', later, { once: true });
  });
}

/** A FloeError as it appears in logs and reports: no `cause` (it may hold driver objects). */
export interface ReportedError {
  readonly kind: FloeErrorKind;
  readonly message: string;
  readonly object?: string;
  readonly hint: string;
}

/** The outcome of one table's run for one day (or one cursor/full run). */
export type TableRun =
  | { readonly table: string; readonly date?: string; readonly status: 'ok'; readonly report: RunReport }
  | { readonly table: string; readonly date?: string; readonly status: 'failed'; readonly error: ReportedError }
  | { readonly table: string; readonly date?: string; readonly status: 'skipped'; readonly reason: string };

/** One planned run: a table and the window it extracts. */
export interface PlannedRun {
  readonly table: string;
  readonly window: ExtractWindow;
}

/** The S3 client one container shares between its invocations. */
export type S3ClientFactory = () => ReturnType<typeof createS3Client>;

export function reported(e: FloeError): ReportedError {
  return { kind: e.kind, message: e.message, ...(e.object !== undefined ? { object: e.object } : {}), hint: e.hint };
}

function dateOf(window: ExtractWindow): { date?: string } {
  return window.kind === 'day' ? { date: window.date } : {};
}

/**
 * The runs an invocation asks for, every window checked before anything runs: a bad request (an
 * unknown table, a date for a cursor table) fails whole instead of half-running.
 */
export function planRuns(config: FloeConfig, invocation: Invocation): Result<PlannedRun[], FloeError> {
  const plan: PlannedRun[] = [];
  const add = (table: string, selection: Parameters<typeof windowFor>[2]): FloeError | undefined => {
    const window = windowFor(config, table, selection);
    if (window.isErr()) return window.error;
    plan.push({ table, window: window.value });
    return undefined;
  };
  if (invocation.kind === 'scheduled') {
    for (const t of config.tables) {
      const w = t.window;
      // The day that just ended in the table's own zone, taken from the event's scheduled time:
      // a retry delivered after midnight still extracts the day the schedule meant.
      const problem = w.kind === 'day' ? add(t.name, { date: previousDate(w.timeZone ?? config.run.timeZone, invocation.time) }) : add(t.name, w.kind === 'cursor' ? { cursor: null } : {});
      if (problem) return err(problem);
    }
    return ok(plan);
  }
  const kind = invocation.kind === 'days' ? 'day' : 'cursor';
  const names = invocation.tables ?? config.tables.filter((t) => t.window.kind === kind).map((t) => t.name);
  if (names.length === 0) {
    return err(floeError('bad_window', `No configured table is extracted ${kind === 'day' ? 'by day' : 'by cursor'}, so this manual event has nothing to run.`, `Name the tables in the event ("tables": [...]) or use ${kind === 'day' ? '{"mode":"cursor"}' : '{"date":"YYYY-MM-DD"}'}.`, { object: 'event' }));
  }
  if (invocation.kind === 'days') {
    for (const date of invocation.dates) {
      for (const name of names) {
        const problem = add(name, { date });
        if (problem) return err(problem);
      }
    }
  } else {
    for (const name of names) {
      const problem = add(name, { cursor: invocation.after ?? null });
      if (problem) return err(problem);
    }
  }
  return ok(plan);
}

function timeoutError(run: PlannedRun, deadline: DeadlineWatch, marginMs: number): FloeError {
  const what = run.window.kind === 'day' ? `${run.table} (${run.window.date})` : run.table;
  const left = deadline.leftAtStop === undefined ? '' : ` with ${deadline.leftAtStop} ms of the invocation left`;
  return floeError(
    'timeout',
    `The run for ${what} timed out: it stopped${left} (the function stops ${marginMs} ms before its deadline). Nothing was published and the watermark did not move.`,
    'Invoke again (an async invocation retries by itself): the next run redoes this work. If it keeps happening, raise the function timeout (up to 900 s) or run fewer days or tables per invocation.',
    { object: run.table },
  );
}

/**
 * Runs the planned extracts one after the other, each with a fresh PostgreSQL connection that
 * runExtract closes before it returns. After a timeout the remaining runs are skipped; other
 * failures do not stop the tables that follow (they are independent).
 */
export async function executeRuns(
  config: FloeConfig,
  plan: readonly PlannedRun[],
  deps: { readonly s3Client: S3ClientFactory; readonly deadline: DeadlineWatch; readonly stopMarginMs: number },
): Promise<TableRun[]> {
  const results: TableRun[] = [];
  const { deadline } = deps;
  for (const run of plan) {
    const where = { table: run.table, ...dateOf(run.window) };
    if (deadline.signal.aborted || deadline.check()) {
      const stoppedHere = !results.some((r) => r.status === 'failed' && r.error.kind === 'timeout');
      results.push(stoppedHere ? { ...where, status: 'failed', error: reported(timeoutError(run, deadline, deps.stopMarginMs)) } : { ...where, status: 'skipped', reason: 'an earlier run timed out' });
      continue;
    }
    const running = createTableJob(config, run.table, { s3Client: deps.s3Client, signal: deadline.signal, onProgress: () => void deadline.check() }).andThen((job) => runExtract(job, run.window));
    const outcome = await Promise.race([running, stalled(deadline.signal, Math.min(STALL_GRACE_MS, Math.floor(deps.stopMarginMs / 2)))]);
    if (outcome === 'stalled') {
      // Still inside a step the abort cannot interrupt (a PostgreSQL connect to an unreachable
      // host waits for TCP): report the timeout while the function can still answer. Nothing was
      // published, so the next invocation starts clean; the stuck socket dies with the container.
      results.push({ ...where, status: 'failed', error: reported(timeoutError(run, deadline, deps.stopMarginMs)) });
      continue;
    }
    if (outcome.isOk()) results.push({ ...where, status: 'ok', report: outcome.value });
    else {
      const error = deadline.signal.aborted && (outcome.error.kind === 'aborted' || outcome.error.kind === 'internal') ? timeoutError(run, deadline, deps.stopMarginMs) : outcome.error;
      results.push({ ...where, status: 'failed', error: reported(error) });
    }
  }
  return results;
}
