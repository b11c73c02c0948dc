/**
 * The one error this package throws. Its shape matches core's `FloeError` (kind, message, object,
 * hint), so core's `isFloeError` accepts it as is and a caller can pass it on without rewrapping.
 * This package does no I/O, so it throws instead of returning a Result: core wraps the calls once
 * at its edge (`Result.fromThrowable`).
 */
export type DdlErrorKind = 'config' | 'unsupported_value';

export class SnowflakeDdlError extends Error {
  override readonly name = 'SnowflakeDdlError';
  readonly kind: DdlErrorKind;
  /** The object involved: a config key, table, column or SQL object name. */
  readonly object: string | undefined;
  /** What the user can do about it. */
  readonly hint: string;

  constructor(kind: DdlErrorKind, message: string, hint: string, object?: string) {
    super(message);
    this.kind = kind;
    this.hint = hint;
    this.object = object;
  }
}

/** Throws a `config` error: the input cannot produce safe SQL. */
export function configError(message: string, hint: string, object?: string): never {
  throw new SnowflakeDdlError('config', message, hint, object);
}
