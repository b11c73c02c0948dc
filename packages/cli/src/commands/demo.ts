import { EXIT } from '../exit-codes.js';
import { withExamples, type CommandHandler } from '../program.js';
import type { Register } from './index.js';

interface DemoOptions {
  readonly keep?: boolean;
  readonly parallel: string;
}

const demo: CommandHandler<DemoOptions> = async (opts, _g, out) => {
  const parallel = Number(opts.parallel);
  // The demo talks to loopback services only, so the AWS SDK's notice about Node 20 is noise here.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  // Loaded on demand: the demo's services (embedded PostgreSQL, s3rver, the local endpoint) are
  // heavy, and no other command needs them.
  const { runDemo } = await import('../demo/demo-run.js');
  const result = await runDemo({ out, keep: opts.keep === true, parallel: Number.isInteger(parallel) && parallel > 0 ? parallel : 4 });
  if (result.isErr()) return { exitCode: EXIT.runFailed, data: {}, error: result.error };
  const summary = result.value;
  return { exitCode: summary.verify.differences.length === 0 ? EXIT.ok : EXIT.checkFailed, data: { ...summary } };
};

/** `floe demo [--keep]`: the whole pipeline on local services, no config needed. */
export const registerDemo: Register = (program, run) => {
  withExamples(
    program
      .command('demo')
      .description('run the whole pipeline on local services (embedded PostgreSQL, s3rver, local Snowflake endpoint) with generated sales data; no config needed')
      .option('--keep', 'keep the services running after the summary (Ctrl-C to stop them)')
      .option('--parallel <n>', 'days extracted at once', '4')
      .action(run(demo)),
    ['floe demo', 'floe demo --json', 'floe demo --keep'],
  );
};
