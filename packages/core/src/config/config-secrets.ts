import { isAbsolute, resolve } from 'node:path';
import { err, ok, type Result } from 'neverthrow';
import { envString, type FloeEnv } from '../env/env-read.js';
import { floeError, type FloeError } from '../errors.js';
import { CONFIG_DEFAULTS, type FloeConfigFile } from './config-schema.js';
import { Secret } from './secret.js';

/** How floe signs in to Snowflake, with the secret values resolved (each prints as `***`). */
export type SnowflakeCredentials =
  | { readonly kind: 'keypair'; readonly privateKey: { readonly pem: Secret } | { readonly path: string }; readonly passphrase?: Secret }
  | { readonly kind: 'pat'; readonly token: Secret }
  | { readonly kind: 'password'; readonly password: Secret };

/** Secret values read from the environment. Absent when the section was not asked for and not set. */
export interface FloeSecrets {
  readonly sourcePassword?: Secret;
  readonly snowflake?: SnowflakeCredentials;
}

/** The sections whose secrets must resolve for a command (`floe run` needs only `source`). */
export type SecretSection = 'source' | 'snowflake';

function missing(env: string, key: string): FloeError {
  return floeError('config', `Environment variable ${env} (named by ${key}) is not set.`, `Export ${env} with the secret, or change ${key} to the variable that holds it.`, { object: key });
}

/**
 * Reads the secrets the config names from `env`. A section listed in `required` fails when its
 * secret is missing; other sections resolve what is there and stay silent. The default
 * `PGPASSWORD` may be unset (trust or .pgpass sign-in, which pg reads itself); a variable with
 * another name was chosen on purpose and must be set.
 */
export function resolveSecrets(
  config: FloeConfigFile,
  env: FloeEnv,
  opts: { readonly required: readonly SecretSection[]; readonly baseDir: string },
): Result<FloeSecrets, FloeError> {
  const need = (s: SecretSection) => opts.required.includes(s);
  const read = (name: string) => {
    const v = envString(env, name);
    return v === undefined ? undefined : new Secret(v);
  };

  const sourcePassword = read(config.source.passwordEnv);
  if (!sourcePassword && need('source') && config.source.passwordEnv !== CONFIG_DEFAULTS.source.passwordEnv) return err(missing(config.source.passwordEnv, 'source.passwordEnv'));

  let snowflake: SnowflakeCredentials | undefined;
  const sf = config.snowflake;
  if (sf) {
    const auth = sf.auth;
    const strict = need('snowflake');
    if (auth.kind === 'keypair') {
      const passphrase = auth.passphraseEnv === undefined ? undefined : read(auth.passphraseEnv);
      if (auth.passphraseEnv !== undefined && !passphrase && strict) return err(missing(auth.passphraseEnv, 'snowflake.auth.passphraseEnv'));
      if (auth.privateKeyPath !== undefined) {
        const path = isAbsolute(auth.privateKeyPath) ? auth.privateKeyPath : resolve(opts.baseDir, auth.privateKeyPath);
        snowflake = { kind: 'keypair', privateKey: { path }, ...(passphrase ? { passphrase } : {}) };
      } else {
        const name = auth.privateKeyEnv ?? 'SNOWFLAKE_PRIVATE_KEY';
        const pem = read(name);
        if (pem) snowflake = { kind: 'keypair', privateKey: { pem }, ...(passphrase ? { passphrase } : {}) };
        else if (strict) return err(missing(name, 'snowflake.auth.privateKeyEnv'));
      }
    } else if (auth.kind === 'pat') {
      const token = read(auth.tokenEnv);
      if (token) snowflake = { kind: 'pat', token };
      else if (strict) return err(missing(auth.tokenEnv, 'snowflake.auth.tokenEnv'));
    } else {
      const password = read(auth.passwordEnv);
      if (password) snowflake = { kind: 'password', password };
      else if (strict) return err(missing(auth.passwordEnv, 'snowflake.auth.passwordEnv'));
    }
  } else if (need('snowflake')) {
    return err(floeError('config', 'The config has no snowflake section.', 'Add a snowflake section (floe init writes a commented one).', { object: 'snowflake' }));
  }

  return ok({ ...(sourcePassword ? { sourcePassword } : {}), ...(snowflake ? { snowflake } : {}) });
}
