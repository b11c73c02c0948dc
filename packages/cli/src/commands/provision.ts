import { EXIT } from '../exit-codes.js';
import { loadFloeConfig, openSnowflake, requireSnowflake } from '../context.js';
import { withExamples, type CommandHandler } from '../program.js';
import { provision } from '../provisioning.js';
import { renderTable } from '../summary-table.js';
import type { Register } from './index.js';

interface ProvisionOptions {
  readonly dryRun?: boolean;
  readonly createWarehouse?: boolean;
  /** commander's negatable --no-bucket-notification */
  readonly bucketNotification: boolean;
}

const provisionCommand: CommandHandler<ProvisionOptions> = async (opts, g, out) => {
  const loaded = await loadFloeConfig(g);
  if (loaded.isErr()) return { exitCode: EXIT.usage, data: {}, error: loaded.error };
  const config = loaded.value;
  const sf = requireSnowflake(config, 'provision');
  if (sf.isErr()) return { exitCode: EXIT.usage, data: {}, error: sf.error };
  const session = await openSnowflake(config);
  if (session.isErr()) return { exitCode: EXIT.runFailed, data: {}, error: session.error };
  const result = await provision(config, session.value, {
    dryRun: opts.dryRun === true,
    createWarehouse: opts.createWarehouse === true,
    ...(opts.bucketNotification ? {} : { applyBucketNotification: false as const }),
  });
  await session.value.close();
  if (result.isErr()) return { exitCode: result.error.kind === 'config' ? EXIT.usage : EXIT.runFailed, data: {}, error: result.error };
  const { plan, report } = result.value;

  const applied = new Set(report?.applied.map((s) => s.id));
  out.print(renderTable(['step', 'action', 'description'], plan.steps.map((s) => [s.id, opts.dryRun ? (s.action === 'none' ? 'exists' : `will ${s.action}`) : applied.has(s.id) ? `${s.action}d` : 'exists', s.description])));
  const toDo = plan.steps.filter((s) => s.action !== 'none').length;
  if (opts.dryRun) {
    out.print(toDo === 0 ? 'Nothing to do: every object exists.' : `${toDo} statement(s) would run (floe provision applies them):`);
    for (const s of plan.steps.filter((x) => x.action !== 'none')) out.print(`${s.sql};\n`);
  } else if (report) {
    out.print(report.applied.length === 0 ? 'Nothing to do: every object exists.' : `${report.applied.length} statement(s) applied, ${report.unchanged.length} unchanged.`);
    for (const [name, doc] of Object.entries(report.documents)) {
      if (typeof doc === 'object') out.print(`\n${name}:\n${JSON.stringify(doc, null, 2)}`);
    }
    if (!opts.bucketNotification && report.documents['bucketNotification']) out.print('\n--no-bucket-notification: apply bucketNotification above to the bucket yourself (aws s3api put-bucket-notification-configuration).');
  }
  return {
    exitCode: EXIT.ok,
    data: {
      dryRun: opts.dryRun === true,
      steps: plan.steps.map((s) => ({ id: s.id, action: s.action, applied: applied.has(s.id), description: s.description, sql: s.sql })),
      ...(report ? { applied: report.applied.length, unchanged: report.unchanged.length, documents: report.documents } : { toDo }),
    },
  };
};

/** `floe provision [--dry-run]`: creates what is missing in Snowflake, in order. */
export const registerProvision: Register = (program, run) => {
  withExamples(
    program
      .command('provision')
      .description('create the missing Snowflake objects in order (nothing is replaced), print the AWS documents and apply the bucket notification')
      .option('--dry-run', 'show what exists and what would be created, change nothing')
      .option('--create-warehouse', 'also create snowflake.warehouse if it does not exist')
      .option('--no-bucket-notification', 'do not apply the bucket notification (print it only)')
      .action(run(provisionCommand)),
    ['floe provision --dry-run', 'floe provision', 'floe provision --no-bucket-notification --json'],
  );
};
