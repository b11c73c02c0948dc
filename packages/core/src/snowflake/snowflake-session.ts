import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import type { Connection, ConnectionOptions, SnowflakeError } from 'snowflake-sdk';
import type { FloeConfig } from '../config/config-load.js';
import type { SnowflakeCredentials } from '../config/config-secrets.js';
import { floeError, registerSecret, type FloeError } from '../errors.js';
import { mapConnectError, mapQueryError } from './snowflake-errors.js';

/** A bind value for `?` placeholders. */
export type SnowflakeBind = string | number | boolean | null;

/** An open Snowflake session. Every statement is one round trip; rows come back as plain objects. */
export interface SnowflakeSession {
  /**
   * Runs one statement and returns its rows, keyed by column name. NUMBER and DATE/TIMESTAMP values
   * arrive as strings (never through a JS float), VARIANT as parsed JSON.
   */
  query<T extends object = Record<string, unknown>>(sql: string, binds?: readonly SnowflakeBind[], opts?: { readonly object?: string }): ResultAsync<T[], FloeError>;
  /** Runs one statement for its effect. */
  execute(sql: string, opts?: { readonly object?: string }): ResultAsync<void, FloeError>;
  /** Ends the session on the server. Safe to call twice. */
  close(): ResultAsync<void, FloeError>;
}

export interface ConnectSnowflakeOptions {
  /** Login attempts after the first (the driver's default retries for minutes; tests pass 0). */
  readonly loginRetries?: number;
  /** Application name reported to Snowflake (shows in QUERY_HISTORY). */
  readonly application?: string;
}

type SnowflakeModule = typeof import('snowflake-sdk');

let sdk: Promise<SnowflakeModule> | undefined;

/**
 * Loads snowflake-sdk on first use only: extract-only runs (the Lambda) never pay for it. The
 * driver probes cloud metadata endpoints at load time and logs to ./snowflake.log unless told not to.
 */
function loadSdk(): Promise<SnowflakeModule> {
  sdk ??= (async () => {
    process.env['SNOWFLAKE_DISABLE_PLATFORM_DETECTION'] = 'true';
    const mod = (await import('snowflake-sdk')) as SnowflakeModule & { default?: SnowflakeModule };
    const snowflake = mod.default ?? mod;
    snowflake.configure({ logLevel: 'OFF' });
    return snowflake;
  })();
  return sdk;
}

/** The PEM the driver accepts: PKCS#8, decrypted here so encrypted keys from env work too. */
function privateKeyPem(creds: Extract<SnowflakeCredentials, { kind: 'keypair' }>): ResultAsync<string, FloeError> {
  const source = 'pem' in creds.privateKey ? 'snowflake.auth.privateKeyEnv' : creds.privateKey.path;
  const text: ResultAsync<string, FloeError> =
    'pem' in creds.privateKey
      ? okAsync(creds.privateKey.pem.reveal())
      : ResultAsync.fromPromise(readFile(creds.privateKey.path, 'utf8'), (e) =>
          floeError('config', `The Snowflake private key file could not be read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`, 'Check snowflake.auth.privateKeyPath (relative paths start at the config file\'s folder).', {
            object: source,
            cause: e,
          }),
        );
  return text.andThen((pem) => {
    registerSecret(pem);
    try {
      const key = createPrivateKey({ key: pem, format: 'pem', ...(creds.passphrase ? { passphrase: creds.passphrase.reveal() } : {}) });
      const pkcs8 = key.export({ type: 'pkcs8', format: 'pem' }).toString();
      registerSecret(pkcs8);
      return okAsync(pkcs8);
    } catch (e) {
      const encrypted = /ENCRYPTED|Proc-Type: 4,ENCRYPTED/.test(pem);
      return errAsync(
        floeError(
          'snowflake_auth',
          'The Snowflake private key could not be read as a PEM private key.',
          encrypted ? 'The key is encrypted: check the passphrase variable (snowflake.auth.passphraseEnv).' : 'Give a PEM private key (-----BEGIN PRIVATE KEY-----); if it is encrypted set snowflake.auth.passphraseEnv.',
          { object: source, cause: e },
        ),
      );
    }
  });
}

function authOptions(creds: SnowflakeCredentials): ResultAsync<Partial<ConnectionOptions>, FloeError> {
  switch (creds.kind) {
    case 'keypair':
      return privateKeyPem(creds).map((privateKey) => ({ authenticator: 'SNOWFLAKE_JWT', privateKey }));
    case 'pat':
      return okAsync({ authenticator: 'PROGRAMMATIC_ACCESS_TOKEN', token: creds.token.reveal() });
    case 'password':
      return okAsync({ authenticator: 'SNOWFLAKE', password: creds.password.reveal() });
  }
}

function openSession(conn: Connection): SnowflakeSession {
  let closed = false;
  const run = <T>(sql: string, binds: readonly SnowflakeBind[] | undefined, object: string | undefined) =>
    ResultAsync.fromPromise(
      new Promise<T[]>((resolve, reject) => {
        conn.execute({
          sqlText: sql,
          ...(binds && binds.length > 0 ? { binds: [...binds] } : {}),
          fetchAsString: ['Number', 'Date'],
          complete: (e: SnowflakeError | undefined, _stmt, rows) => (e ? reject(e) : resolve((rows ?? []) as T[])),
        });
      }),
      (e) => mapQueryError(e, sql, object),
    );
  return {
    query: <T extends object>(sql: string, binds?: readonly SnowflakeBind[], opts?: { readonly object?: string }) => run<T>(sql, binds, opts?.object),
    execute: (sql, opts) => run<unknown>(sql, undefined, opts?.object).map(() => undefined),
    close: () => {
      if (closed) return okAsync(undefined);
      closed = true;
      return ResultAsync.fromPromise(
        new Promise<void>((resolve, reject) => conn.destroy((e) => (e ? reject(e) : resolve()))),
        (e) => floeError('snowflake_unreachable', 'The Snowflake session could not be closed cleanly.', 'Nothing to do: the server ends idle sessions by itself.', { cause: e }),
      );
    },
  };
}

/**
 * Signs in to Snowflake with the config's `snowflake` section and the credentials resolved from the
 * environment (key pair, programmatic access token, or password) and returns an open session.
 */
export function connectSnowflake(config: Pick<FloeConfig, 'snowflake' | 'secrets'>, opts: ConnectSnowflakeOptions = {}): ResultAsync<SnowflakeSession, FloeError> {
  const sf = config.snowflake;
  if (!sf) return errAsync(floeError('config', 'The config has no snowflake section.', 'Add a snowflake section (floe init writes a commented one).', { object: 'snowflake' }));
  const creds = config.secrets.snowflake;
  if (!creds) {
    const env = sf.auth.kind === 'keypair' ? (sf.auth.privateKeyEnv ?? 'the private key variable') : sf.auth.kind === 'pat' ? sf.auth.tokenEnv : sf.auth.passwordEnv;
    return errAsync(floeError('config', `No Snowflake credentials: ${env} is not set.`, `Export ${env} (snowflake.auth in the config names it).`, { object: 'snowflake.auth' }));
  }
  const where = sf.accessUrl ?? sf.host ?? `${sf.account}.snowflakecomputing.com`;

  return authOptions(creds).andThen((auth) =>
    ResultAsync.fromPromise(loadSdk(), (e) => floeError('internal', 'snowflake-sdk could not be loaded.', 'Reinstall floe (snowflake-sdk is one of its dependencies).', { cause: e })).andThen((snowflake) => {
      const options: ConnectionOptions = {
        account: sf.account,
        ...(sf.accessUrl ? { accessUrl: sf.accessUrl } : sf.host ? { host: sf.host } : {}),
        username: sf.user,
        role: sf.role,
        warehouse: sf.warehouse,
        database: sf.database,
        schema: sf.schema,
        application: opts.application ?? 'floe',
        ...(opts.loginRetries !== undefined ? { sfRetryMaxLoginRetries: opts.loginRetries } : {}),
        ...auth,
      };
      let conn: Connection;
      try {
        conn = snowflake.createConnection(options);
      } catch (e) {
        return errAsync(mapConnectError(e, where));
      }
      // connectAsync without a callback resolves even when login fails: use the callback form
      // and trust only isUp().
      return ResultAsync.fromPromise(
        new Promise<Connection>((resolve, reject) => {
          conn.connect((e, c) => (e ? reject(e) : c.isUp() ? resolve(c) : reject(new Error('Snowflake login did not open a session'))));
        }),
        (e) => mapConnectError(e, where),
      ).map(openSession);
    }),
  );
}
