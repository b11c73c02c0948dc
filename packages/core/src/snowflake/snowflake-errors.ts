import { SnowflakeDdlError } from '@floe/snowflake-ddl';
import { floeError, isFloeError, type FloeError } from '../errors.js';

interface DriverError {
  readonly code?: unknown;
  readonly sqlState?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function codeOf(e: unknown): string {
  const code = (e as DriverError | undefined)?.code;
  return code === undefined || code === null ? '' : String(code);
}

function textOf(e: unknown): string {
  const m = (e as DriverError | undefined)?.message;
  return typeof m === 'string' ? m : String(e);
}

/** True when the error (or one of its causes) is a socket-level failure. */
function isNetwork(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur && depth < 5; cur = (cur as DriverError).cause, depth++) {
    const code = codeOf(cur);
    if (code === '401001' || code === '402001' || NETWORK_CODES.has(code)) return true;
    if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|socket hang up|Network error/i.test(textOf(cur))) return true;
  }
  return false;
}

/** The first line of a statement, shortened: enough to find it, never a whole script. */
export function firstLine(sql: string): string {
  const line = sql.trim().split('\n')[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

/** The object a DDL/DML statement names (`CREATE PIPE "SALES_PIPE"` → `"SALES_PIPE"`), if any. */
export function objectOf(sql: string): string | undefined {
  const m =
    /\b(?:TABLE|PIPE|STAGE|STREAM|TASK|INTEGRATION|FORMAT|VIEW|SCHEMA|DATABASE|WAREHOUSE|ROLE|USER|INTO|FROM|ON)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?((?:"(?:[^"]|"")*"|[A-Za-z_$][\w$]*)(?:\.(?:"(?:[^"]|"")*"|[A-Za-z_$][\w$]*))*)/i.exec(
      sql,
    );
  return m?.[1];
}

/** Maps a login failure of snowflake-sdk to a FloeError (auth vs unreachable vs bad options). */
export function mapConnectError(e: unknown, where: string): FloeError {
  const code = codeOf(e);
  const text = textOf(e);
  if (isNetwork(e)) {
    return floeError('snowflake_unreachable', `Snowflake at ${where} did not answer: ${text}`, 'Check snowflake.account / snowflake.accessUrl and that the network (proxy, firewall) lets you reach it.', {
      object: where,
      cause: e,
    });
  }
  if (/^4040(26|27|28)$/.test(code)) {
    return floeError('snowflake_auth', `The Snowflake private key was rejected by the driver (${code}).`, 'Give an unencrypted or passphrase-protected PKCS#8 / PKCS#1 PEM key and the right passphrase.', { object: where, cause: e });
  }
  if (/^390\d{3}$/.test(code) || /^394\d{3}$/.test(code) || /JWT|token|password|authenticat|incorrect username/i.test(text)) {
    return floeError('snowflake_auth', `Snowflake refused the sign-in (${code || 'auth'}): ${text}`, 'Check snowflake.user, the key pair (ALTER USER ... SET RSA_PUBLIC_KEY), the token or password, and that the user is not locked.', {
      object: where,
      cause: e,
    });
  }
  return floeError('snowflake_unreachable', `Could not connect to Snowflake at ${where} (${code || 'error'}): ${text}`, 'Check the snowflake section of the config (account, accessUrl/host, warehouse, database).', { object: where, cause: e });
}

/** Maps a failed statement to a FloeError naming the statement's first line and its object. */
export function mapQueryError(e: unknown, sql: string, object?: string): FloeError {
  const code = codeOf(e);
  const text = textOf(e).replace(/\s+/g, ' ').trim();
  const target = object ?? objectOf(sql) ?? firstLine(sql);
  if (isNetwork(e)) {
    return floeError('snowflake_unreachable', `Lost the connection to Snowflake while running: ${firstLine(sql)}`, 'Check the network and retry; statements floe runs are safe to re-run.', { object: target, cause: e });
  }
  if (code === '390104' || code === '390111' || code === '390112' || code === '401004') {
    return floeError('snowflake_auth', `The Snowflake session expired or was closed while running: ${firstLine(sql)}`, 'Sign in again (re-run the command).', { object: target, cause: e });
  }
  if (code === '003001' || /insufficient privileges/i.test(text)) {
    return floeError('snowflake_privilege', `Snowflake refused ${firstLine(sql)}: ${text}`, 'Grant the missing privilege to the role in snowflake.role (the SQL above says which), or run with a role that has it.', {
      object: target,
      cause: e,
    });
  }
  return floeError('snowflake_sql', `Snowflake rejected ${firstLine(sql)} (${code || 'error'}): ${text}`, 'Read the error text; if an object "does not exist or not authorized", check its name and the role\'s grants.', {
    object: target,
    cause: e,
  });
}

/** The DDL generator throws (it does no I/O); this turns its error into a FloeError at the edge. */
export function ddlError(e: unknown): FloeError {
  if (isFloeError(e) && !(e instanceof SnowflakeDdlError)) return e;
  if (e instanceof SnowflakeDdlError) {
    const kind = e.kind === 'unsupported_value' ? 'unsupported_value' : 'config';
    return floeError(kind, e.message, e.hint, { ...(e.object !== undefined ? { object: e.object } : {}), cause: e });
  }
  return floeError('internal', `The Snowflake setup could not be generated: ${e instanceof Error ? e.message : String(e)}`, 'This is a bug in floe: report it with your config (without secrets).', { cause: e });
}

