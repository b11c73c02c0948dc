import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { err, ok, type Result } from 'neverthrow';
import { envInteger, envString, floeError, parseConfig, parseConfigText, type FloeConfig, type FloeEnv, type FloeError } from '@floe/core';
import { DEFAULT_MAX_DAYS } from './lambda-events.js';

/** Where the PostgreSQL password comes from. */
export type PasswordSource =
  | { readonly kind: 'secrets-manager'; readonly secretId: string; readonly jsonKey: string }
  /** The variable named by `source.passwordEnv` (local runs, tests; never for a deployed function). */
  | { readonly kind: 'env' };

/** Everything the function reads from its environment, validated once per container. */
export interface LambdaSettings {
  /** The config without the password (that one is fetched per container, on first invocation). */
  readonly config: FloeConfig;
  readonly password: PasswordSource;
  /** Stop this long before the Lambda deadline: abort, discard staged parts, report `timeout`. */
  readonly stopMarginMs: number;
  readonly maxDays: number;
}

/** Defaults of the Lambda-only variables. */
export const LAMBDA_DEFAULTS = {
  /** Publishing copies each part server-side and writes the manifest: seconds, even for big parts. */
  stopMarginMs: 30_000,
  maxDays: DEFAULT_MAX_DAYS,
  secretJsonKey: 'password',
} as const;

/** The Lambda-only environment variables (the config's own overrides are core's `ENV_OVERRIDES`). */
export const LAMBDA_ENV = {
  config: 'FLOE_CONFIG',
  configFile: 'FLOE_CONFIG_FILE',
  secret: 'FLOE_SOURCE_PASSWORD_SECRET',
  secretKey: 'FLOE_SOURCE_PASSWORD_SECRET_KEY',
  stopMargin: 'FLOE_STOP_MARGIN_MS',
  maxDays: 'FLOE_MAX_DAYS',
} as const;

function configText(env: FloeEnv, readFile: (path: string) => string): Result<{ text: string; source: string; baseDir: string }, FloeError> {
  const inline = envString(env, LAMBDA_ENV.config);
  const file = envString(env, LAMBDA_ENV.configFile);
  const taskRoot = envString(env, 'LAMBDA_TASK_ROOT') ?? process.cwd();
  if (inline !== undefined && file !== undefined) {
    return err(floeError('config', `Both ${LAMBDA_ENV.config} and ${LAMBDA_ENV.configFile} are set.`, 'Keep one: the config inline (JSON or YAML) or the path of a file inside the deployment package.', { object: LAMBDA_ENV.config }));
  }
  if (inline !== undefined) return ok({ text: inline, source: LAMBDA_ENV.config, baseDir: taskRoot });
  if (file === undefined) {
    return err(floeError('config', `Neither ${LAMBDA_ENV.config} nor ${LAMBDA_ENV.configFile} is set: the function has no floe config.`, `Set ${LAMBDA_ENV.config} to the config (JSON or YAML), or ${LAMBDA_ENV.configFile} to a file inside the deployment package.`, { object: LAMBDA_ENV.config }));
  }
  const path = isAbsolute(file) ? file : resolve(taskRoot, file);
  try {
    return ok({ text: readFile(path), source: path, baseDir: resolve(path, '..') });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    return err(floeError('config', `The config file ${path} could not be read (${code}).`, `Check ${LAMBDA_ENV.configFile}: relative paths start at the deployment package's root.`, { object: LAMBDA_ENV.configFile, cause: e }));
  }
}

/**
 * Reads and validates the function's configuration from its environment: the floe config (inline
 * or a packaged file, then core's `FLOE_*` overrides), where the password comes from, and the
 * Lambda knobs. Called once at cold start; every problem is one `config` error naming the variable.
 */
export function readLambdaSettings(env: FloeEnv, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): Result<LambdaSettings, FloeError> {
  const text = configText(env, readFile);
  if (text.isErr()) return err(text.error);
  const raw = parseConfigText(text.value.text, text.value.source);
  if (raw.isErr()) return err(raw.error);

  const secretId = envString(env, LAMBDA_ENV.secret);
  // With a secret, the password variable is not expected in the environment (it is fetched later).
  const config = parseConfig(raw.value, env, { requireSecrets: secretId === undefined ? ['source'] : [], baseDir: text.value.baseDir });
  if (config.isErr()) return err(config.error);
  if (config.value.storage.kind !== 's3') {
    return err(floeError('config', 'The Lambda needs S3 storage: storage.kind is "local", and a function\'s disk is gone after the invocation.', 'Set storage to {kind: "s3", bucket, prefix} (or FLOE_S3_BUCKET).', { object: 'storage.kind' }));
  }

  const margin = envInteger(env, LAMBDA_ENV.stopMargin);
  if (margin.isErr()) return err(margin.error);
  const maxDays = envInteger(env, LAMBDA_ENV.maxDays);
  if (maxDays.isErr()) return err(maxDays.error);
  if (maxDays.value === 0) return err(floeError('config', `${LAMBDA_ENV.maxDays} is 0: no manual range could run.`, `Set ${LAMBDA_ENV.maxDays} to 1 or more (default ${LAMBDA_DEFAULTS.maxDays}).`, { object: LAMBDA_ENV.maxDays }));

  return ok({
    config: config.value,
    password: secretId === undefined ? { kind: 'env' } : { kind: 'secrets-manager', secretId, jsonKey: envString(env, LAMBDA_ENV.secretKey) ?? LAMBDA_DEFAULTS.secretJsonKey },
    stopMarginMs: margin.value ?? LAMBDA_DEFAULTS.stopMarginMs,
    maxDays: maxDays.value ?? LAMBDA_DEFAULTS.maxDays,
  });
}
