/**
 * Snowflake-shaped SQL errors: the protocol server puts `code`, `sqlState` and the message on the
 * wire as Snowflake does, so the driver raises the same error a real account would.
 */
export class SqlError extends Error {
  override readonly name = 'SqlError';
  constructor(
    message: string,
    readonly code: string,
    readonly sqlState: string,
  ) {
    super(message);
  }
}

/** Any error carrying Snowflake's `code` and `sqlState` (the objects layer has its own class). */
export function isSnowflakeShaped(e: unknown): e is Error & { code: string; sqlState: string } {
  return e instanceof Error && typeof (e as { code?: unknown }).code === 'string' && typeof (e as { sqlState?: unknown }).sqlState === 'string';
}

export function syntaxError(detail: string): SqlError {
  return new SqlError(`SQL compilation error:\n${detail}`, '001003', '42000');
}

export function notSupported(statement: string): SqlError {
  const shown = statement.length > 120 ? `${statement.slice(0, 117)}...` : statement;
  return new SqlError(`SQL compilation error:\nStatement '${shown}' is not supported by the local Snowflake endpoint.`, '000002', '0A000');
}

export function missingObject(kind: string, name: string): SqlError {
  return new SqlError(`SQL compilation error:\n${kind} '${name}' does not exist or not authorized.`, '002003', '02000');
}

/** Maps a DuckDB error message onto the Snowflake code/SQLSTATE a real account gives for the same mistake. */
export function fromDuckDbError(e: unknown): Error {
  if (isSnowflakeShaped(e)) return e;
  const raw = e instanceof Error ? e.message : String(e);
  const msg = raw.split('\n\nLINE')[0]!.trim();
  let m: RegExpMatchArray | null;
  if ((m = msg.match(/^Catalog Error: (?:Table|View|Table Function) with name (\S+) does not exist/))) {
    return new SqlError(`SQL compilation error:\nObject '${m[1]}' does not exist or not authorized.`, '002003', '42S02');
  }
  if ((m = msg.match(/^Catalog Error: Schema with name (\S+) does not exist/))) {
    return new SqlError(`SQL compilation error:\nSchema '${m[1]}' does not exist or not authorized.`, '002003', '02000');
  }
  if ((m = msg.match(/^Catalog Error: (?:Catalog|Database) with name (\S+) does not exist/))) {
    return new SqlError(`SQL compilation error:\nDatabase '${m[1]}' does not exist or not authorized.`, '002003', '02000');
  }
  if ((m = msg.match(/^Binder Error: (?:Referenced column|Values list referenced column|Table "\S+" does not have a column named) "?([^"\s]+)"? not found/)) || (m = msg.match(/^Binder Error: Table "[^"]+" does not have a column (?:with|named) "([^"]+)"/))) {
    return new SqlError(`SQL compilation error: error line 0 at position 0\ninvalid identifier '${m[1]}'`, '000904', '42000');
  }
  if ((m = msg.match(/^Catalog Error: Scalar Function with name (\S+) does not exist/))) {
    return new SqlError(`SQL compilation error:\nUnknown function ${m[1]!.toUpperCase()}`, '002140', '42601');
  }
  if (msg.startsWith('Parser Error:')) return new SqlError(`SQL compilation error:\n${msg.replace(/^Parser Error: /, '')}`, '001003', '42000');
  if (msg.startsWith('Constraint Error:')) {
    if (/NOT NULL/i.test(msg)) return new SqlError(`NULL result in a non-nullable column`, '100072', '22000');
    return new SqlError(msg.replace(/^Constraint Error: /, ''), '100072', '22000');
  }
  if (msg.startsWith('Conversion Error:') || msg.startsWith('Invalid Input Error:')) {
    return new SqlError(msg.replace(/^(Conversion|Invalid Input) Error: /, ''), '100038', '22018');
  }
  if (msg.startsWith('Out of Range Error:')) return new SqlError(msg.replace(/^Out of Range Error: /, ''), '100039', '22003');
  if (msg.startsWith('Catalog Error:') && /already exists/.test(msg)) return new SqlError(`SQL compilation error:\n${msg.replace(/^Catalog Error: /, '')}`, '002002', '42710');
  if (msg.startsWith('Binder Error:') || msg.startsWith('Catalog Error:')) return new SqlError(`SQL compilation error:\n${msg.replace(/^\w+ Error: /, '')}`, '002003', '42000');
  if (/conflict/i.test(msg)) {
    return new SqlError(`A statement of another session holds a lock on the rows this statement writes, and it was not released in time (local endpoint: ${msg.replace(/^\w+ Error: /, '')}).`, '000625', '57014');
  }
  if (msg.startsWith('TransactionContext Error:')) return new SqlError(msg.replace(/^TransactionContext Error: /, ''), '000603', '57P03');
  return new SqlError(msg, '000603', 'XX000');
}
