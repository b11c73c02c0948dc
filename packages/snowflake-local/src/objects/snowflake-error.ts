/**
 * Errors the objects layer raises, carrying Snowflake's error code and SQLSTATE so the protocol
 * server can put them on the wire exactly as Snowflake would (the driver surfaces `code`/`sqlState`).
 */
export class SnowflakeSqlError extends Error {
  override readonly name = 'SnowflakeSqlError';
  constructor(
    message: string,
    readonly code: string,
    readonly sqlState: string,
  ) {
    super(message);
  }
}

/** `SQL compilation error:` followed by `detail` (code 001003 unless given). */
export function compilationError(detail: string, code = '001003', sqlState = '42000'): SnowflakeSqlError {
  return new SnowflakeSqlError(`SQL compilation error:\n${detail}`, code, sqlState);
}

/** Snowflake's "does not exist or not authorized" for a named object. */
export function objectMissing(kind: string, name: string): SnowflakeSqlError {
  return compilationError(`${kind} '${name}' does not exist or not authorized.`, '002003', '02000');
}

/** Snowflake's "already exists" for CREATE without OR REPLACE / IF NOT EXISTS (the message names no kind). */
export function objectExists(_kind: string, name: string): SnowflakeSqlError {
  return compilationError(`Object '${name}' already exists.`, '002002', '42710');
}

/** A statement shape the local endpoint does not emulate: fail loudly rather than pretend. */
export function notEmulated(what: string): SnowflakeSqlError {
  return new SnowflakeSqlError(`SQL compilation error:\n${what} is not supported by the local Snowflake endpoint.`, '000002', '0A000');
}
