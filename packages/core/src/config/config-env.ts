import { err, ok, type Result } from 'neverthrow';
import { envString, type FloeEnv } from '../env/env-read.js';
import { floeError, type FloeError } from '../errors.js';

/** One environment variable that overrides one key of the config file. */
export interface EnvOverride {
  readonly env: string;
  /** The config key it replaces, e.g. `storage.bucket`. */
  readonly key: string;
  readonly type: 'string' | 'integer' | 'boolean';
  readonly description: string;
}

/**
 * Every environment override floe knows, in one table (the README lists the same). An override
 * replaces the file's value before validation, so a bad value is reported under its config key.
 * Secrets are not here: the file names the variable that holds each secret (`source.passwordEnv`,
 * `snowflake.auth.*Env`).
 */
export const ENV_OVERRIDES: readonly EnvOverride[] = [
  { env: 'FLOE_SOURCE_URL', key: 'source.url', type: 'string', description: 'PostgreSQL URL without password' },
  { env: 'FLOE_SOURCE_HOST', key: 'source.host', type: 'string', description: 'PostgreSQL host' },
  { env: 'FLOE_SOURCE_PORT', key: 'source.port', type: 'integer', description: 'PostgreSQL port' },
  { env: 'FLOE_SOURCE_DATABASE', key: 'source.database', type: 'string', description: 'PostgreSQL database' },
  { env: 'FLOE_SOURCE_USER', key: 'source.user', type: 'string', description: 'PostgreSQL user' },
  { env: 'FLOE_S3_BUCKET', key: 'storage.bucket', type: 'string', description: 'S3 bucket (switches storage to S3)' },
  { env: 'FLOE_S3_PREFIX', key: 'storage.prefix', type: 'string', description: 'S3 key prefix' },
  { env: 'FLOE_S3_REGION', key: 'storage.region', type: 'string', description: 'S3 region' },
  { env: 'FLOE_S3_ENDPOINT', key: 'storage.endpoint', type: 'string', description: 'S3-compatible endpoint URL' },
  { env: 'FLOE_S3_FORCE_PATH_STYLE', key: 'storage.forcePathStyle', type: 'boolean', description: 'path-style S3 URLs' },
  { env: 'FLOE_LOCAL_DIR', key: 'storage.dir', type: 'string', description: 'local output folder (switches storage to local)' },
  { env: 'FLOE_SNOWFLAKE_ACCOUNT', key: 'snowflake.account', type: 'string', description: 'Snowflake account identifier' },
  { env: 'FLOE_SNOWFLAKE_ACCESS_URL', key: 'snowflake.accessUrl', type: 'string', description: 'Snowflake endpoint URL' },
  { env: 'FLOE_SNOWFLAKE_HOST', key: 'snowflake.host', type: 'string', description: 'Snowflake host name' },
  { env: 'FLOE_SNOWFLAKE_USER', key: 'snowflake.user', type: 'string', description: 'Snowflake user' },
  { env: 'FLOE_SNOWFLAKE_ROLE', key: 'snowflake.role', type: 'string', description: 'Snowflake role' },
  { env: 'FLOE_SNOWFLAKE_WAREHOUSE', key: 'snowflake.warehouse', type: 'string', description: 'Snowflake warehouse' },
  { env: 'FLOE_SNOWFLAKE_DATABASE', key: 'snowflake.database', type: 'string', description: 'Snowflake database' },
  { env: 'FLOE_SNOWFLAKE_SCHEMA', key: 'snowflake.schema', type: 'string', description: 'Snowflake schema' },
  { env: 'FLOE_SNOWFLAKE_ROLE_ARN', key: 'snowflake.roleArn', type: 'string', description: 'IAM role ARN for the storage integration' },
  { env: 'FLOE_RUN_TIME_ZONE', key: 'run.timeZone', type: 'string', description: 'time zone of day windows' },
  { env: 'FLOE_RUN_PARALLEL', key: 'run.parallel', type: 'integer', description: 'tables extracted at once' },
];

type Json = Record<string, unknown>;

function isObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function convert(o: EnvOverride, raw: string): Result<string | number | boolean, FloeError> {
  const bad = (expected: string) =>
    err(floeError('config', `Environment variable ${o.env} must be ${expected}, got "${raw}".`, `Fix ${o.env} (it overrides ${o.key}).`, { object: o.env }));
  const v = raw.trim();
  if (o.type === 'integer') return /^\d+$/.test(v) ? ok(Number(v)) : bad('a whole number');
  if (o.type === 'boolean') {
    if (['true', '1', 'yes', 'on'].includes(v.toLowerCase())) return ok(true);
    if (['false', '0', 'no', 'off'].includes(v.toLowerCase())) return ok(false);
    return bad('true or false');
  }
  return ok(v);
}

/**
 * Applies the overrides set in `env` to a copy of the raw config object. Returns the new object and
 * which config keys came from which variable (so validation errors can name the variable).
 */
export function applyEnvOverrides(raw: unknown, env: FloeEnv): Result<{ readonly raw: unknown; readonly origins: ReadonlyMap<string, string> }, FloeError> {
  const origins = new Map<string, string>();
  if (!isObject(raw)) return ok({ raw, origins });
  const out: Json = structuredClone(raw);
  for (const o of ENV_OVERRIDES) {
    const text = envString(env, o.env);
    if (text === undefined) continue;
    const value = convert(o, text);
    if (value.isErr()) return err(value.error);
    const [section, key] = o.key.split('.') as [string, string];
    let target = isObject(out[section]) ? (out[section] as Json) : {};
    // Storage kind follows the override: a bucket means S3, a folder means local.
    if (section === 'storage' && key === 'bucket' && target['kind'] !== 's3') target = { kind: 's3' };
    if (section === 'storage' && key === 'dir' && target['kind'] !== 'local') target = { kind: 'local' };
    out[section] = { ...target, [key]: value.value };
    origins.set(o.key, o.env);
  }
  return ok({ raw: out, origins });
}
