import { floeError, previousDate } from '@floe/core';
import { parseDay } from '../dates.js';
import { EXIT } from '../exit-codes.js';
import { abortOnSignals } from '../abort.js';
import { loadFloeConfig, selectTables } from '../context.js';
import { runDays } from '../day-runner.js';
import { createProgress } from '../progress.js';
import { withExamples, type CommandHandler } from '../program.js';
import { outcomeJson, outcomesTable, outcomeTotals } from '../run-outcome.js';
import type { Register } from './index.js';

interface RunOptions {
  readonly date?: string;
  readonly yesterday?: boolean;
  readonly table?: string;
}

const runCommand: CommandHandler<RunOptions> = async (opts, g, out) => {
  if (opts.date !== undefined && opts.yesterday) {
    return { exitCode: EXIT.usage, data: {}, error: floeError('config', '--date and --yesterday cannot be combined', 'Pass one of them (without either, floe runs yesterday).', { object: '--date' }) };
  }
  const given = opts.date !== undefined ? parseDay(opts.date, '--date') : undefined;
  if (given?.isErr()) return { exitCode: EXIT.usage, data: {}, error: given.error };
  // run needs only the source's secrets: Snowflake is not contacted.
  const loaded = await loadFloeConfig(g, ['source']);
  if (loaded.isErr()) return { exitCode: EXIT.usage, data: {}, error: loaded.error };
  const config = loaded.value;
  const tables = selectTables(config, opts.table);
  if (tables.isErr()) return { exitCode: EXIT.usage, data: {}, error: tables.error };
  // The daily job's default: yesterday in the run's time zone (the last complete day).
  const day = given ?? parseDay(previousDate(config.run.timeZone), '--yesterday');
  if (day.isErr()) return { exitCode: EXIT.usage, data: {}, error: day.error };

  const abort = abortOnSignals();
  const outcomes = await runDays({ config, tables: tables.value, days: [day.value], parallel: config.run.parallel, force: true, skipPublished: false, progress: createProgress(out), signal: abort.signal });
  abort.dispose();
  const totals = outcomeTotals(outcomes);
  out.print(outcomesTable(outcomes));
  for (const o of outcomes) if (o.error) out.error(o.error);
  out.print(`${totals.ok} run(s) ok, ${totals.failed} failed; ${totals.rows} rows, ${totals.bytes} bytes`);
  return { exitCode: totals.failed > 0 ? EXIT.runFailed : EXIT.ok, data: { date: day.value, runs: outcomes.map(outcomeJson), totals } };
};

/** `floe run [--date D | --yesterday] [--table t]`: the daily job. */
export const registerRun: Register = (program, run) => {
  withExamples(
    program
      .command('run')
      .description('extract one day of every table (cursor tables: everything since their watermark) to S3 for Snowpipe')
      .option('--date <YYYY-MM-DD>', 'the day to extract (in run.timeZone)')
      .option('--yesterday', 'extract yesterday (the default)')
      .option('--table <name>', 'only this table')
      .action(run(runCommand)),
    ['floe run --yesterday', 'floe run --date 2005-05-31', 'floe run --date 2005-05-31 --table sales --json'],
  );
};
