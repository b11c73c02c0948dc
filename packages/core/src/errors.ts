/**
 * One typed error union for every I/O boundary of floe. Adapters wrap third-party errors once,
 * at their edge, into a FloeError that says what failed, on which object, and what to do.
 * Messages never carry secrets: `floeError` scrubs registered secrets and credential-looking text.
 */
export type FloeErrorKind =
  | 'config' // invalid or missing configuration
  | 'source_unreachable' // PostgreSQL host/port not answering
  | 'source_auth' // PostgreSQL rejected the credentials
  | 'source_query' // a query failed in PostgreSQL
  | 'unknown_table'
  | 'unknown_column'
  | 'bad_window' // a day/cursor window that cannot be applied (bad date, wrong column type)
  | 'unsupported_value' // a value the chosen format cannot hold exactly (NaN in NUMBER, ...)
  | 'serialize'
  | 'storage_unreachable'
  | 'storage_auth'
  | 'bucket_missing'
  | 'storage_throttled'
  | 'upload'
  | 'disk_full'
  | 'snowflake_unreachable'
  | 'snowflake_auth'
  | 'snowflake_sql'
  | 'snowflake_privilege'
  | 'timeout'
  | 'aborted'
  | 'internal';

export interface FloeError {
  readonly kind: FloeErrorKind;
  /** What failed, in one sentence. */
  readonly message: string;
  /** The object involved: a table, column, S3 key, SQL object or config key. */
  readonly object?: string;
  /** What the user can do about it. */
  readonly hint: string;
  /** The original error, kept for debugging (never printed in full by the CLI). */
  readonly cause?: unknown;
}

const secrets = new Set<string>();

/** Registers a secret value (password, token, key) so no FloeError message can ever contain it. */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 4) secrets.add(value);
}

/** Removes registered secrets and credential-looking fragments from a text. */
export function redact(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('***');
  return out
    .replace(/(\w+:\/\/[^:\s/@]+:)[^@\s]+@/g, '$1***@')
    // The lookbehind spares ARNs such as arn:aws:secretsmanager:...:secret:floe/pg (names, not values).
    .replace(/((?<![:\w])(?:password|passwd|pwd|secret|token|passphrase|secretAccessKey|aws_secret_access_key)["']?\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&]+)/gi, '$1***')
    .replace(/-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, '-----BEGIN $1PRIVATE KEY-----***-----END $1PRIVATE KEY-----');
}

export function floeError(kind: FloeErrorKind, message: string, hint: string, extra: { object?: string; cause?: unknown } = {}): FloeError {
  return {
    kind,
    message: redact(message),
    hint: redact(hint),
    ...(extra.object !== undefined ? { object: extra.object } : {}),
    ...(extra.cause !== undefined ? { cause: extra.cause } : {}),
  };
}

/** One line for humans: `[kind] message (object) — hint`. */
export function formatError(e: FloeError): string {
  return `[${e.kind}] ${e.message}${e.object ? ` (${e.object})` : ''}\n  → ${e.hint}`;
}

export function isFloeError(x: unknown): x is FloeError {
  return typeof x === 'object' && x !== null && typeof (x as FloeError).kind === 'string' && typeof (x as FloeError).hint === 'string' && typeof (x as FloeError).message === 'string';
}
