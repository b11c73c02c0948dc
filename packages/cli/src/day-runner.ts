import { okAsync } from 'neverthrow';
import { createS3Client, type ExtractJob, type FloeError } from '@floe/core';
import { jobFor, openPool, runTable, windowOf, type FloeConfig, type TableConfig } from './context.js';
import { mapLimit } from './pool.js';
import type { Progress } from './progress.js';
import type { RunOutcome } from './run-outcome.js';

export interface DayRunOptions {
  readonly config: FloeConfig;
  readonly tables: readonly TableConfig[];
  readonly days: readonly string[];
  readonly parallel: number;
  /** Re-run days that already have a published manifest (a new run id: Snowflake keeps the latest). */
  readonly force: boolean;
  /** Skip days already published (backfill); `run` always runs what it is asked to. */
  readonly skipPublished: boolean;
  readonly progress: Progress;
  readonly signal?: AbortSignal;
}

/**
 * Runs every (table, day) pair, `parallel` at a time. Resumable by construction: a day counts as
 * done only when its manifest exists (written last), so after a crash the next call skips finished
 * days and re-runs the rest; a killed run left only staged parts, which no pipe watches.
 */
export async function runDays(o: DayRunOptions): Promise<RunOutcome[]> {
  const jobs = new Map<string, ExtractJob | FloeError>();
  // One S3 client and one PostgreSQL pool for every run of the command: each job would otherwise
  // build its own client and sign in to PostgreSQL (SCRAM) once per day. A split table holds one
  // connection per slice for its whole run, so the pool must have room for that many per run.
  const slices = Math.max(1, ...o.tables.map((t) => t.split?.slices ?? 1));
  const pool = await openPool(o.config, o.parallel * slices);
  if (pool.isErr()) return o.tables.flatMap((t) => o.days.map((day) => ({ table: t.name, date: day, status: 'failed' as const, error: pool.error })));
  const storage = o.config.storage;
  const s3Client = storage.kind === 's3' ? createS3Client({ region: storage.region, ...(storage.endpoint ? { endpoint: storage.endpoint } : {}), ...(storage.forcePathStyle !== undefined ? { forcePathStyle: storage.forcePathStyle } : {}) }) : undefined;
  for (const t of o.tables) {
    const job = await jobFor(o.config, t.name, { pool: pool.value.pool, ...(s3Client ? { s3Client } : {}) });
    jobs.set(t.name, job.isOk() ? job.value : job.error);
  }
  const pairs = o.tables.flatMap((t) => (t.window.kind === 'day' ? o.days.map((day) => ({ table: t, day })) : [{ table: t, day: o.days[0] ?? '' }]));
  o.progress.start(pairs.length, 'runs');
  const outcomes = await mapLimit(pairs, o.parallel, async ({ table, day }): Promise<RunOutcome> => {
    const done = (outcome: RunOutcome) => {
      o.progress.increment(1, `${outcome.table} ${outcome.date} ${outcome.status}`);
      return outcome;
    };
    if (o.signal?.aborted) return done({ table: table.name, date: day, status: 'skipped', reason: 'interrupted' });
    const job = jobs.get(table.name);
    if (job === undefined || !('extractor' in job)) return done({ table: table.name, date: day, status: 'failed', ...(job ? { error: job } : {}) });
    const published = o.skipPublished && !o.force && table.window.kind === 'day' ? await job.uploader.listManifests(table.name, day) : okAsync([]);
    const existing = await published;
    if (existing.isErr()) return done({ table: table.name, date: day, status: 'failed', error: existing.error });
    const last = existing.value.at(-1);
    if (last) return done({ table: table.name, date: day, status: 'skipped', reason: `already published (run=${last.runId}); --force re-runs it` });
    const result = await windowOf(o.config, table, day).andThen((window) => runTable(job, window, o.signal ? { signal: o.signal } : {}));
    return done(
      result.isOk()
        ? { table: table.name, date: result.value.partitionDate, status: 'ok', report: result.value }
        : { table: table.name, date: day, status: 'failed', error: result.error },
    );
  });
  o.progress.stop();
  s3Client?.destroy();
  await pool.value.end();
  return outcomes;
}
