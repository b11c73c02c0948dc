import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { err, errAsync, ok, ResultAsync, type Result } from 'neverthrow';
import { parse as parseYaml } from 'yaml';
import type { FloeEnv } from '../env/env-read.js';
import { floeError, type FloeError } from '../errors.js';
import { applyEnvOverrides } from './config-env.js';
import { configIssues } from './config-issues.js';
import { floeConfigSchema, type FloeConfigFile } from './config-schema.js';
import { resolveSecrets, type FloeSecrets, type SecretSection } from './config-secrets.js';

/** The validated config plus the secrets it names, resolved from the environment. */
export type FloeConfig = FloeConfigFile & {
  /** Secret values; each prints as `***` (JSON, console, template strings). */
  readonly secrets: FloeSecrets;
};

export interface ParseConfigOptions {
  /**
   * Sections whose secrets must be present in the environment. Default: every section the config
   * has. `floe run` (and the Lambda) pass `['source']`, `floe provision` passes `['snowflake']`.
   */
  readonly requireSecrets?: readonly SecretSection[];
  /** Folder that relative paths in the config (e.g. `privateKeyPath`) are resolved against. */
  readonly baseDir?: string;
}

/**
 * Validates a config object (already parsed from JSON or YAML) after applying the environment
 * overrides of `ENV_OVERRIDES`. Every problem is reported with its key path in one `config` error.
 */
export function parseConfig(object: unknown, env: FloeEnv, opts: ParseConfigOptions = {}): Result<FloeConfig, FloeError> {
  const overridden = applyEnvOverrides(object ?? {}, env);
  if (overridden.isErr()) return err(overridden.error);
  const { raw, origins } = overridden.value;

  const parsed = floeConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = configIssues(parsed.error.issues).map((i) => {
      const from = origins.get(i.path);
      return { ...i, message: from ? `${i.message} (value from ${from})` : i.message };
    });
    const first = issues[0] ?? { path: '(root)', message: 'is not a valid floe config' };
    const lines = issues.map((i) => `${i.path}: ${i.message}`);
    return err(
      floeError('config', `Invalid floe config: ${lines.join('; ')}.`, issues.length > 1 ? `Fix these ${issues.length} keys in the config file (or the environment overrides).` : `Fix ${first.path} in the config file.`, {
        object: first.path,
      }),
    );
  }

  const baseDir = opts.baseDir ?? process.cwd();
  const config = resolvePaths(parsed.data, baseDir);
  const required = opts.requireSecrets ?? (['source', ...(config.snowflake ? ['snowflake' as const] : [])] as const);
  return resolveSecrets(config, env, { required, baseDir }).map((secrets) => ({ ...config, secrets }));
}

/** Relative paths in the file mean "next to the config file", wherever floe is started from. */
function resolvePaths(config: FloeConfigFile, baseDir: string): FloeConfigFile {
  const at = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const ssl = config.source.ssl;
  return {
    ...config,
    source: typeof ssl === 'object' && ssl.caPath !== undefined ? { ...config.source, ssl: { ...ssl, caPath: at(ssl.caPath) } } : config.source,
    storage: config.storage.kind === 'local' ? { ...config.storage, dir: at(config.storage.dir) } : config.storage,
  };
}

/** Parses config text: JSON when it starts with `{`, YAML otherwise (YAML is a superset anyway). */
export function parseConfigText(text: string, source: string): Result<unknown, FloeError> {
  try {
    return ok(text.trimStart().startsWith('{') ? JSON.parse(text) : parseYaml(text, { prettyErrors: true }));
  } catch (e) {
    const detail = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return err(floeError('config', `The config file could not be parsed: ${detail}`, 'Fix the JSON/YAML syntax at the position shown.', { object: source, cause: e }));
  }
}

/**
 * Reads, parses (JSON or YAML) and validates a floe config file. Relative paths inside it resolve
 * against the file's folder.
 */
export function loadConfig(path: string, env: FloeEnv, opts: Omit<ParseConfigOptions, 'baseDir'> = {}): ResultAsync<FloeConfig, FloeError> {
  const abs = resolve(path);
  return ResultAsync.fromPromise(readFile(abs, 'utf8'), (e) => {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT'
      ? floeError('config', `Config file ${path} does not exist.`, 'Create one with `floe init`, or pass --config <path>.', { object: path, cause: e })
      : floeError('config', `Config file ${path} could not be read (${code ?? 'error'}).`, 'Check the path and its permissions.', { object: path, cause: e });
  }).andThen((text) => {
    const object = parseConfigText(text, path);
    if (object.isErr()) return errAsync(object.error);
    const parsed = parseConfig(object.value, env, { ...opts, baseDir: dirname(abs) });
    return parsed.isErr() ? errAsync(parsed.error) : ResultAsync.fromSafePromise(Promise.resolve(parsed.value));
  });
}
