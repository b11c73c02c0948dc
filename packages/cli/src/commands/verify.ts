import { floeError } from '@floe/core';
import { daysBetween, parseDay, parseRange } from '../dates.js';
import { EXIT } from '../exit-codes.js';
import { loadFloeConfig, openSnowflake, requireSnowflake } from '../context.js';
import { withExamples, type CommandHandler } from '../program.js';
import { renderTable } from '../summary-table.js';
import { verifyDays } from '../verify/verify-days.js';
import type { Register } from './index.js';

interface VerifyOptions {
  readonly date?: string;
  readonly from?: string;
  readonly to?: string;
}

const verify: CommandHandler<VerifyOptions> = async (opts, g, out) => {
  const single = opts.date !== undefined;
  if (single === (opts.from !== undefined || opts.to !== undefined) || (!single && (opts.from === undefined || opts.to === undefined))) {
    return { exitCode: EXIT.usage, data: {}, error: floeError('config', 'verify needs either --date D or both --from D1 and --to D2', 'For example: floe verify --date 2005-05-31, or floe verify --from 2005-05-01 --to 2005-05-31.', { object: '--date' }) };
  }
  const days = single ? parseDay(opts.date as string, '--date').map((d) => daysBetween(d, d)) : parseRange(opts.from as string, opts.to as string);
  if (days.isErr()) return { exitCode: EXIT.usage, data: {}, error: days.error };
  const loaded = await loadFloeConfig(g);
  if (loaded.isErr()) return { exitCode: EXIT.usage, data: {}, error: loaded.error };
  const config = loaded.value;
  const sf = requireSnowflake(config, 'verify');
  if (sf.isErr()) return { exitCode: EXIT.usage, data: {}, error: sf.error };

  const session = await openSnowflake(config);
  if (session.isErr()) return { exitCode: EXIT.runFailed, data: {}, error: session.error };
  const report = await verifyDays(config, session.value, days.value);
  await session.value.close();
  if (report.isErr()) return { exitCode: EXIT.runFailed, data: {}, error: report.error };
  const r = report.value;

  const rows = r.tables.flatMap((t) => Object.keys(t.postgres).map((m) => [t.table, m, t.postgres[m] ?? '', t.snowflake[m] ?? '', t.postgres[m] === t.snowflake[m] ? 'ok' : 'DIFFERENT']));
  out.print(`${r.from} .. ${r.to} (${r.days} day(s)):`);
  out.print(renderTable(['table', 'measure', 'postgres', 'snowflake', ''], rows));
  if (r.differences.length === 0) out.print('No difference between PostgreSQL and Snowflake.');
  else {
    out.print(`${r.differences.length} difference(s) by day:`);
    out.print(renderTable(['table', 'day', 'measure', 'postgres', 'snowflake'], r.differences.slice(0, 200).map((d) => [d.table, d.day, d.measure, d.postgres, d.snowflake])));
    if (r.differences.length > 200) out.print(`(${r.differences.length - 200} more: use --json for all)`);
  }
  return { exitCode: r.differences.length === 0 ? EXIT.ok : EXIT.checkFailed, data: { ...r } };
};

/** `floe verify --date D | --from D1 --to D2`: per-day counts and exact sums, PostgreSQL vs Snowflake. */
export const registerVerify: Register = (program, run) => {
  withExamples(
    program
      .command('verify')
      .description('reconcile per-day row counts and exact sums between PostgreSQL and Snowflake (exit 3 on any difference)')
      .option('--date <YYYY-MM-DD>', 'one day')
      .option('--from <YYYY-MM-DD>', 'first day of a range (with --to)')
      .option('--to <YYYY-MM-DD>', 'last day of a range (with --from)')
      .action(run(verify)),
    ['floe verify --date 2005-05-31', 'floe verify --from 2003-01-01 --to 2005-05-31', 'floe verify --from 2005-05-01 --to 2005-05-31 --json'],
  );
};
