import { ResultAsync, errAsync } from 'neverthrow';
import { floeError, isFloeError, type FloeError } from '@floe/core';
import { openSnowflake } from '../context.js';
import { runDays } from '../day-runner.js';
import type { Output } from '../output.js';
import { createProgress } from '../progress.js';
import { provision } from '../provisioning.js';
import { outcomeTotals, type RunOutcome } from '../run-outcome.js';
import { renderTable } from '../summary-table.js';
import { targetTotals, type TargetTotals } from '../verify/target-totals.js';
import { verifyDays, type VerifyReport } from '../verify/verify-days.js';
import { startLocalStack } from './local-stack.js';
import { starCounts, type StarCount } from './star-counts.js';

/** What `floe demo` reports (also its `--json` body). */
export interface DemoSummary {
  readonly phases: ReadonlyArray<{ readonly phase: string; readonly ms: number }>;
  readonly days: number;
  readonly runs: { readonly ok: number; readonly failed: number; readonly rows: number; readonly bytes: number };
  readonly tables: readonly TargetTotals[];
  /** The star schema's tables (DIM_CUSTOMER, DIM_PRODUCT, DIM_DATE, FACT_SALES): rows, and current versions of the dimensions. */
  readonly star: readonly StarCount[];
  readonly verify: VerifyReport;
  readonly totalMs: number;
}

export interface DemoOptions {
  readonly out: Output;
  readonly keep: boolean;
  readonly parallel: number;
}

function asFloeError(e: unknown): FloeError {
  return isFloeError(e) ? e : floeError('internal', `the demo failed: ${e instanceof Error ? e.message : String(e)}`, 'Re-run with --debug and report the output.', { cause: e });
}

/**
 * The whole pipeline on loopback services: load generated sales rows into PostgreSQL, provision
 * Snowflake (key-pair sign-in, bucket notification applied), run every day of the data, let the
 * pipe ingest and the task merge, then print Snowflake's figures and verify them against PostgreSQL.
 */
/** What the extract wrote to S3: the first and last days' part files with their rows, then totals. */
function filesWritten(outcomes: readonly RunOutcome[], runs: ReturnType<typeof outcomeTotals>, bucket: string): string {
  const written = outcomes.filter((x) => x.status === 'ok' && x.report).sort((a, b) => a.date.localeCompare(b.date));
  const shown = written.length > 6 ? [...written.slice(0, 3), undefined, ...written.slice(-3)] : written;
  const rows = shown.flatMap((x) =>
    x === undefined ? [['…', `${written.length - 6} more days`, '', '']] : x.report!.files.map((f) => [x.date, `s3://${bucket}/${f.key}`, f.rows, f.bytes]),
  );
  const files = written.reduce((n, x) => n + x.report!.files.length, 0);
  rows.push(['total', `${files} part files + ${written.length} manifests`, runs.rows, runs.bytes]);
  return renderTable(['day', 'file written', 'rows', 'bytes'], rows);
}

export function runDemo(o: DemoOptions): ResultAsync<DemoSummary, FloeError> {
  return ResultAsync.fromPromise(demo(o), asFloeError).andThen((r) => (r instanceof Error || isFloeError(r) ? errAsync(asFloeError(r)) : ResultAsync.fromSafePromise(Promise.resolve(r))));
}

async function demo(o: DemoOptions): Promise<DemoSummary | FloeError> {
  const started = Date.now();
  const phases: Array<{ phase: string; ms: number }> = [];
  const onPhase = (phase: string, ms: number) => {
    phases.push({ phase, ms });
    o.out.note(`  ${(ms / 1000).toFixed(1).padStart(6)}s  ${phase}`);
  };
  const timed = async <T>(phase: string, work: () => PromiseLike<T>): Promise<T> => {
    const t0 = Date.now();
    const r = await work();
    onPhase(phase, Date.now() - t0);
    return r;
  };
  o.out.note('floe demo: PostgreSQL → gzip CSV → S3 (s3rver) → Snowpipe → SALES / INVOICES / ITEMS (local Snowflake endpoint)');
  const stack = await startLocalStack({ data: { kind: 'generated' }, onPhase, parallel: o.parallel });
  // The S3 client of the run reads its credentials the standard AWS way: from the environment.
  for (const [k, v] of Object.entries(stack.env)) if (k.startsWith('AWS_')) process.env[k] ??= v;
  try {
    const config = stack.config;
    const session = await openSnowflake(config, { loginRetries: 0 });
    if (session.isErr()) return session.error;
    try {
      const provisioned = await timed('provision Snowflake (plan + apply, bucket notification)', () =>
        provision(config, session.value, {
          createWarehouse: true,
          // The local endpoint stands in for S3 → SQS: the notification goes to it directly.
          applyBucketNotification: (bucket, json) =>
            ResultAsync.fromPromise(Promise.resolve(stack.snowflake.setBucketNotification(bucket, json)), (e) =>
              floeError('snowflake_sql', `the local endpoint refused the bucket notification: ${e instanceof Error ? e.message : String(e)}`, 'Report it: the demo wires this itself.', { object: bucket, cause: e }),
            ).map(() => undefined),
        }),
      );
      if (provisioned.isErr()) return provisioned.error;

      const days = await timed('list the days of the data', () => stack.salesDays());
      const outcomes = await timed(`extract ${days.length} days to S3 (${o.parallel} at a time)`, () =>
        runDays({ config, tables: config.tables, days, parallel: o.parallel, force: false, skipPublished: true, progress: createProgress(o.out) }),
      );
      const runs = outcomeTotals(outcomes);
      const failed = outcomes.find((x) => x.status === 'failed');
      if (failed?.error) return failed.error;

      await timed('Snowpipe ingests the files (drainPipes)', () => stack.snowflake.drainPipes());
      await timed('the task merges SALES / INVOICES / ITEMS (clock moved past its CRON time)', () => stack.runTasks());

      const tables = await timed('read SALES / INVOICES / ITEMS', () => targetTotals(config, session.value));
      if (tables.isErr()) return tables.error;
      const star = await timed('read the star schema', () => starCounts(config, session.value));
      if (star.isErr()) return star.error;
      const verify = await timed(`verify ${days.length} days against PostgreSQL`, () => verifyDays(config, session.value, days));
      if (verify.isErr()) return verify.error;

      o.out.print(filesWritten(outcomes, runs, stack.bucket));
      o.out.print(renderTable(['Snowflake table', 'rows', 'exact sums'], tables.value.map((t) => [t.table, t.rows, Object.entries(t.sums).map(([k, v]) => `${k} = ${v}`).join('\n')])));
      if (star.value.length > 0) o.out.print(renderTable(['star schema table', 'rows', 'current versions'], star.value.map((t) => [t.table, t.rows, t.current ?? ''])));
      o.out.print(verify.value.differences.length === 0 ? `verify: ${days.length} days, no difference between PostgreSQL and Snowflake` : `verify: ${verify.value.differences.length} difference(s):\n${renderTable(['table', 'day', 'measure', 'postgres', 'snowflake'], verify.value.differences.slice(0, 20).map((d) => [d.table, d.day, d.measure, d.postgres, d.snowflake]))}`);
      const totalMs = Date.now() - started;
      o.out.note(`  ${(totalMs / 1000).toFixed(1).padStart(6)}s  total`);
      if (o.keep) {
        o.out.note(`Services kept running (Ctrl-C to stop):\n  PostgreSQL ${stack.postgres.url('floe_demo').replace(/:[^:@/]+@/, ':***@')}\n  S3 ${stack.s3.endpoint} (bucket ${stack.bucket})\n  Snowflake ${stack.snowflake.accessUrl}`);
        await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
      }
      return { phases, days: days.length, runs, tables: tables.value, star: star.value, verify: verify.value, totalMs };
    } finally {
      await session.value.close();
    }
  } finally {
    await stack.stop();
  }
}
