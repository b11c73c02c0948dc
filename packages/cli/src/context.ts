/**
 * The CLI's one seam onto core's configuration and factories: every command goes through these
 * helpers, so the commands read as "what", and the wiring to core lives in one file.
 */
import { err, errAsync, ok, okAsync, type Result, type ResultAsync } from 'neverthrow';
import {
  connectSnowflake,
  createTableJob,
  floeError,
  loadConfig,
  pgClientConfig,
  runExtract,
  windowFor,
  type ExtractJob,
  type ExtractWindow,
  type FloeConfig,
  type FloeError,
  type PgPoolLike,
  type RunReport,
  type SnowflakeSession,
  type TableJobDeps,
} from '@floe/core';
import pg from 'pg';
import type { GlobalOptions } from './program.js';

export type { FloeConfig, SnowflakeSession };
export type TableConfig = FloeConfig['tables'][number];
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Loads and validates the config file named by `--config`. `requireSecrets` names the sections
 * whose secrets must be in the environment (default: every section the file has).
 */
export function loadFloeConfig(g: GlobalOptions, requireSecrets?: readonly ('source' | 'snowflake')[], env: Env = process.env): ResultAsync<FloeConfig, FloeError> {
  return loadConfig(g.config, env, requireSecrets ? { requireSecrets } : {});
}

/**
 * Signs in to Snowflake with the config's credentials. Two login retries by default: the driver's
 * own default keeps retrying an unreachable host for minutes, which reads as a hung command;
 * `loginRetries: 0` fails at once (check, status).
 */
export function openSnowflake(config: FloeConfig, opts: { loginRetries?: number } = {}): ResultAsync<SnowflakeSession, FloeError> {
  return connectSnowflake(config, { application: 'floe-cli', loginRetries: 2, ...opts });
}

/** `s3://bucket/prefix` or the local folder: what messages say about the storage. */
export function storageLabel(config: FloeConfig): string {
  const s = config.storage;
  return s.kind === 's3' ? `s3://${s.bucket}/${s.prefix}${s.endpoint ? ` at ${s.endpoint}` : ''}` : s.dir;
}

/** The tables a command works on: all, or the one named by `--table`. */
export function selectTables(config: FloeConfig, only: string | undefined): Result<TableConfig[], FloeError> {
  if (only === undefined) return ok([...config.tables]);
  const t = config.tables.find((x) => x.name === only);
  return t
    ? ok([t])
    : err(floeError('config', `no table named '${only}' in the config`, `Use one of: ${config.tables.map((x) => x.name).join(', ')}.`, { object: '--table' }));
}

/** The snowflake section, or a config error saying it is needed for this command. */
export function requireSnowflake(config: FloeConfig, command: string): Result<NonNullable<FloeConfig['snowflake']>, FloeError> {
  return config.snowflake
    ? ok(config.snowflake)
    : err(floeError('config', `floe ${command} needs a snowflake section in the config`, 'Add snowflake: (account, user, role, warehouse, database) — floe init writes an example.', { object: 'snowflake' }));
}

/** Builds one table's extract job from the config (`deps` shares an S3 client, a pool...). */
export function jobFor(config: FloeConfig, table: string, deps: TableJobDeps = {}): ResultAsync<ExtractJob, FloeError> {
  return createTableJob(config, table, deps);
}

/**
 * The window of one run: the given day for day tables; for cursor tables the stored watermark
 * (runExtract reads it when `after` is null), so the date is ignored; everything for full tables.
 */
export function windowOf(config: FloeConfig, table: TableConfig, date: string): ResultAsync<ExtractWindow, FloeError> {
  const w = windowFor(config, table.name, table.window.kind === 'day' ? { date } : table.window.kind === 'cursor' ? { cursor: null } : {});
  return w.isOk() ? okAsync(w.value) : errAsync(w.error);
}

/**
 * A pg pool on the source, for commands that run many extractions (backfill): one sign-in per
 * connection instead of one per run. `max` bounds the connections (the runs in flight).
 */
export function openPool(config: FloeConfig, max: number): ResultAsync<{ pool: PgPoolLike; end(): Promise<void> }, FloeError> {
  return pgClientConfig(config.source, config.secrets.sourcePassword?.reveal(), 'floe-cli').map((cc) => {
    const pool = new pg.Pool({ ...cc, max });
    // An idle client's connection error (server restart) must not crash the process.
    pool.on('error', () => undefined);
    return {
      // pg.Pool is shaped like core's PgPoolLike; its overloaded query signature needs the cast.
      pool: pool as unknown as PgPoolLike,
      end: () => pool.end().catch(() => undefined),
    };
  });
}

/** Runs one table for one window, with an optional progress hook and abort signal. */
export function runTable(job: ExtractJob, window: ExtractWindow, extra: Pick<ExtractJob, 'onProgress' | 'signal'> = {}): ResultAsync<RunReport, FloeError> {
  return runExtract({ ...job, ...extra }, window);
}
