/**
 * Test helpers: the real snowflake-sdk, promisified. The environment variable must be set before
 * the driver loads, so the driver is imported lazily from here.
 */
import type { Connection, ConnectionOptions, RowStatement } from 'snowflake-sdk';

process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION = 'true';
process.env.SF_TELEMETRY_DISABLE_CONNECTION_SHAPE = '1';
const snowflake = (await import('snowflake-sdk')).default;
snowflake.configure({ logLevel: 'OFF' });

export { snowflake };

export type Row = Record<string, unknown>;

/** Connects and resolves the connection, or rejects with the driver's error (code and message). */
export function connect(opts: Partial<ConnectionOptions> & { accessUrl: string }): Promise<Connection> {
  // Without representNullAsStringNull: false, the driver turns NULL into the text 'NULL' under fetchAsString.
  const conn = snowflake.createConnection({ account: 'LOCAL', sfRetryMaxLoginRetries: 0, representNullAsStringNull: false, ...opts } as ConnectionOptions);
  return new Promise((resolve, reject) => conn.connect((err, c) => (err ? reject(err) : resolve(c))));
}

export interface Executed<R = Row> {
  rows: R[];
  stmt: RowStatement;
}

/** Runs one statement; `execute` has no promise form in 3.3.0. */
export function exec<R = Row>(conn: Connection, sqlText: string, extra: Record<string, unknown> = {}): Promise<Executed<R>> {
  return new Promise((resolve, reject) => {
    conn.execute({
      sqlText,
      ...extra,
      complete: (err, stmt, rows) => (err ? reject(err) : resolve({ rows: (rows ?? []) as R[], stmt: stmt as RowStatement })),
    } as Parameters<Connection['execute']>[0]);
  });
}

export async function rows<R = Row>(conn: Connection, sqlText: string, extra: Record<string, unknown> = {}): Promise<R[]> {
  return (await exec<R>(conn, sqlText, extra)).rows;
}

export function destroy(conn: Connection): Promise<void> {
  return new Promise((resolve) => conn.destroy(() => resolve()));
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function failure(p: Promise<unknown>): Promise<{ code?: string; sqlState?: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code?: string; sqlState?: string; message: string };
  }
  throw new Error('expected the operation to fail, but it succeeded');
}
