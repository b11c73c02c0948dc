import { floeError } from '@floe/core';
import { parseRange } from '../dates.js';
import { EXIT } from '../exit-codes.js';
import { abortOnSignals } from '../abort.js';
import { loadFloeConfig, selectTables } from '../context.js';
import { runDays } from '../day-runner.js';
import { createProgress } from '../progress.js';
import { withExamples, type CommandHandler } from '../program.js';
import { outcomeJson, outcomesTable, outcomeTotals } from '../run-outcome.js';
import type { Register } from './index.js';

interface BackfillOptions {
  readonly from: string;
  readonly to: string;
  readonly parallel?: string;
  readonly force?: boolean;
  readonly table?: string;
}

const backfill: CommandHandler<BackfillOptions> = async (opts, g, out) => {
  const days = parseRange(opts.from, opts.to);
  if (days.isErr()) return { exitCode: EXIT.usage, data: {}, error: days.error };
  const parallel = opts.parallel === undefined ? undefined : Number(opts.parallel);
  if (parallel !== undefined && !(Number.isInteger(parallel) && parallel >= 1 && parallel <= 64)) {
    return { exitCode: EXIT.usage, data: {}, error: floeError('config', `--parallel must be a whole number from 1 to 64, got '${opts.parallel}'`, 'For example --parallel 4.', { object: '--parallel' }) };
  }
  const loaded = await loadFloeConfig(g, ['source']);
  if (loaded.isErr()) return { exitCode: EXIT.usage, data: {}, error: loaded.error };
  const config = loaded.value;
  const tables = selectTables(config, opts.table);
  if (tables.isErr()) return { exitCode: EXIT.usage, data: {}, error: tables.error };
  const dayTables = tables.value.filter((t) => t.window.kind === 'day');
  for (const t of tables.value) if (t.window.kind !== 'day') out.note(`${t.name}: not a day table (window ${t.window.kind}); backfill skips it, floe run extracts it`);

  const abort = abortOnSignals();
  const started = Date.now();
  const outcomes = await runDays({ config, tables: dayTables, days: days.value, parallel: parallel ?? config.run.parallel, force: opts.force === true, skipPublished: true, progress: createProgress(out), signal: abort.signal });
  abort.dispose();
  const totals = outcomeTotals(outcomes);
  out.print(outcomesTable(outcomes));
  for (const o of outcomes) if (o.error) out.error(o.error);
  out.print(`${days.value.length} day(s) × ${dayTables.length} table(s): ${totals.ok} ran, ${totals.skipped} skipped, ${totals.failed} failed; ${totals.rows} rows in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return { exitCode: totals.failed > 0 ? EXIT.runFailed : EXIT.ok, data: { from: opts.from, to: opts.to, runs: outcomes.map(outcomeJson), totals } };
};

/** `floe backfill --from D1 --to D2 [--parallel N] [--force]`: day by day, resumable. */
export const registerBackfill: Register = (program, run) => {
  withExamples(
    program
      .command('backfill')
      .description('extract a range of days; days already published are skipped (resumable after a crash) unless --force')
      .requiredOption('--from <YYYY-MM-DD>', 'first day (included)')
      .requiredOption('--to <YYYY-MM-DD>', 'last day (included)')
      .option('--parallel <n>', 'days extracted at once (default run.parallel)')
      .option('--force', 're-run days that are already published (Snowflake keeps the latest run)')
      .option('--table <name>', 'only this table')
      .action(run(backfill)),
    ['floe backfill --from 2003-01-01 --to 2005-05-31 --parallel 4', 'floe backfill --from 2005-05-01 --to 2005-05-31 --force', 'floe backfill --from 2005-05-01 --to 2005-05-31 --json'],
  );
};
