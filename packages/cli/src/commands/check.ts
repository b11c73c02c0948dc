import { floeError, previousDate, type FloeError } from '@floe/core';
import { EXIT } from '../exit-codes.js';
import { jobFor, loadFloeConfig, openSnowflake, storageLabel, type FloeConfig } from '../context.js';
import { errorJson } from '../output.js';
import { withExamples, type CommandHandler } from '../program.js';
import { openSource, sourceLabel } from '../source-client.js';
import { renderTable } from '../summary-table.js';
import type { Register } from './index.js';

/** One service's verdict. */
interface CheckResult {
  readonly service: 'postgresql' | 'storage' | 'snowflake';
  readonly target: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly error?: FloeError;
}

/** PostgreSQL: reachable, credentials accepted, and every configured table describable. */
async function checkPostgres(config: FloeConfig): Promise<CheckResult> {
  const target = sourceLabel(config.source);
  const conn = await openSource(config);
  if (conn.isErr()) return { service: 'postgresql', target, ok: false, detail: conn.error.message, error: conn.error };
  const version = await conn.value.query<{ v: string }>("SELECT current_setting('server_version') AS v");
  await conn.value.end();
  if (version.isErr()) return { service: 'postgresql', target, ok: false, detail: version.error.message, error: version.error };
  for (const t of config.tables) {
    const described = await jobFor(config, t.name).andThen((job) => job.extractor.describe());
    if (described.isErr()) return { service: 'postgresql', target, ok: false, detail: `table ${t.name}: ${described.error.message}`, error: described.error };
  }
  return { service: 'postgresql', target, ok: true, detail: `PostgreSQL ${version.value[0]?.v ?? '?'}; ${config.tables.length} table(s) readable` };
}

/** Storage: the bucket (or folder) exists and can be listed with these credentials. */
async function checkStorage(config: FloeConfig): Promise<CheckResult> {
  const target = storageLabel(config);
  const first = config.tables[0];
  if (!first) return { service: 'storage', target, ok: false, detail: 'no table configured' };
  // One day's prefix: enough to prove bucket, credentials and listing, and cheap on any table size.
  const day = previousDate(config.run.timeZone);
  const listed = await jobFor(config, first.name).andThen((job) => job.uploader.listManifests(first.name, day));
  if (listed.isErr()) return { service: 'storage', target, ok: false, detail: listed.error.message, error: listed.error };
  return { service: 'storage', target, ok: true, detail: `reachable; ${listed.value.length} run(s) of ${first.name} published for ${day}` };
}

/** Snowflake: reachable, signed in, and the role can see the configured database and schema. */
async function checkSnowflake(config: FloeConfig): Promise<CheckResult> {
  const sf = config.snowflake;
  if (!sf) return { service: 'snowflake', target: '(not configured)', ok: true, detail: 'no snowflake section: skipped' };
  const target = sf.accessUrl ?? sf.host ?? `${sf.account}.snowflakecomputing.com`;
  // No login retries: check reports an unreachable endpoint now rather than after minutes of retrying.
  const session = await openSnowflake(config, { loginRetries: 0 });
  if (session.isErr()) return { service: 'snowflake', target, ok: false, detail: session.error.message, error: session.error };
  try {
    const who = await session.value.query<Record<string, string | null>>('SELECT CURRENT_USER() AS "U", CURRENT_ROLE() AS "R", CURRENT_DATABASE() AS "D", CURRENT_SCHEMA() AS "S"');
    if (who.isErr()) return { service: 'snowflake', target, ok: false, detail: who.error.message, error: who.error };
    const row = who.value[0] ?? {};
    // Snowflake answers NULL for a database/schema the role may not use (or that does not exist).
    if (!row['D'] || !row['S']) {
      const e = floeError('snowflake_privilege', `role ${row['R'] ?? sf.role} cannot use ${sf.database}.${sf.schema} (it is missing or not granted)`, `Run floe provision (it creates them), or GRANT USAGE ON DATABASE ${sf.database} / SCHEMA ${sf.database}.${sf.schema} TO ROLE ${sf.role}.`, { object: `${sf.database}.${sf.schema}` });
      return { service: 'snowflake', target, ok: false, detail: e.message, error: e };
    }
    return { service: 'snowflake', target, ok: true, detail: `signed in as ${row['U'] ?? sf.user} (role ${row['R'] ?? sf.role}) on ${row['D']}.${row['S']}` };
  } finally {
    await session.value.close();
  }
}

const check: CommandHandler<Record<string, never>> = async (_opts, g, out) => {
  const loaded = await loadFloeConfig(g);
  if (loaded.isErr()) return { exitCode: EXIT.usage, data: {}, error: loaded.error };
  const config = loaded.value;
  // One after the other: the three are independent, but a report in a fixed order reads better.
  const results = [await checkPostgres(config), await checkStorage(config), await checkSnowflake(config)];
  out.print(renderTable(['service', 'target', 'result', 'detail'], results.map((r) => [r.service, r.target, r.ok ? 'OK' : 'FAILED', r.detail])));
  for (const r of results) if (r.error) out.error(r.error);
  const failed = results.filter((r) => !r.ok);
  out.print(failed.length === 0 ? 'All checks passed.' : `${failed.length} check(s) failed.`);
  return {
    exitCode: failed.length === 0 ? EXIT.ok : EXIT.checkFailed,
    data: { checks: results.map((r) => ({ service: r.service, target: r.target, ok: r.ok, detail: r.detail, ...(r.error ? { error: errorJson(r.error) } : {}) })) },
  };
};

/** `floe check`: PostgreSQL, storage and Snowflake, each OK or exactly what is wrong. */
export const registerCheck: Register = (program, run) => {
  withExamples(
    program
      .command('check')
      .description('connect to PostgreSQL, S3 and Snowflake and report each as OK or exactly what is wrong (exit 3 if any fails)')
      .action(run(check)),
    ['floe check', 'floe check --config prod.floe.yaml --json'],
  );
};
