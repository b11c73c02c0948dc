import { renderPlanScript } from '@floe/snowflake-ddl';
import { EXIT } from '../exit-codes.js';
import { loadFloeConfig, requireSnowflake } from '../context.js';
import { withExamples, type CommandHandler } from '../program.js';
import { describeTables, setupSteps, snowflakeSetup } from '../provisioning.js';
import type { Register } from './index.js';

interface DdlOptions {
  readonly teardown?: boolean;
  readonly createWarehouse?: boolean;
}

const ddlCommand: CommandHandler<DdlOptions> = async (opts, g, out) => {
  const loaded = await loadFloeConfig(g, ['source']);
  if (loaded.isErr()) return { exitCode: EXIT.usage, data: {}, error: loaded.error };
  const config = loaded.value;
  const sf = requireSnowflake(config, 'ddl');
  if (sf.isErr()) return { exitCode: EXIT.usage, data: {}, error: sf.error };
  // The landing tables are typed from the PostgreSQL catalog, so ddl reads it (nothing else).
  const schemas = await describeTables(config);
  if (schemas.isErr()) return { exitCode: EXIT.runFailed, data: {}, error: schemas.error };
  const steps = snowflakeSetup(config, schemas.value, { createWarehouse: opts.createWarehouse === true }).andThen((setup) => setupSteps(setup, opts.teardown === true));
  if (steps.isErr()) return { exitCode: steps.error.kind === 'config' ? EXIT.usage : EXIT.runFailed, data: {}, error: steps.error };
  out.print(renderPlanScript(steps.value));
  return { exitCode: EXIT.ok, data: { teardown: opts.teardown === true, steps: steps.value.map((s) => ({ id: s.id, phase: s.phase, object: s.object, description: s.description, sql: s.sql, ...(s.existsSql ? { existsSql: s.existsSql } : {}) })) } };
};

/** `floe ddl`: the Snowflake setup as SQL, in the order it runs. */
export const registerDdl: Register = (program, run) => {
  withExamples(
    program
      .command('ddl')
      .description('print the Snowflake setup SQL (integration, file format, stage, landing tables, pipes, streams, task, grants) in order; reads only the PostgreSQL catalog')
      .option('--teardown', 'print the statements that remove it instead (reverse order)')
      .option('--create-warehouse', 'include CREATE WAREHOUSE IF NOT EXISTS for snowflake.warehouse')
      .action(run(ddlCommand)),
    ['floe ddl', 'floe ddl > setup.sql', 'floe ddl --teardown', 'floe ddl --json'],
  );
};
