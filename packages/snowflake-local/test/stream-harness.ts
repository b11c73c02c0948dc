/**
 * Shared setup for the stream and task tests: a local endpoint on a ManualClock and real
 * snowflake-sdk connections to it (numbers fetched as strings so money is compared exactly).
 */
import type { Connection } from 'snowflake-sdk';
import { ManualClock, startSnowflakeLocal, type SnowflakeLocal } from '../src/index.js';
import { connect, destroy, rows, type Row } from './protocol-sdk.js';

export interface Harness {
  readonly sf: SnowflakeLocal;
  readonly clock: ManualClock;
  /** A new session on database FLOE, schema PUBLIC. */
  open(): Promise<Connection>;
  close(): Promise<void>;
}

export async function startHarness(start = new Date('2026-11-26T09:00:00Z')): Promise<Harness> {
  const clock = new ManualClock(start);
  const sf = await startSnowflakeLocal({ clock, database: 'FLOE', users: [{ name: 'floe', password: 'pw' }] });
  const open: Connection[] = [];
  return {
    sf,
    clock,
    async open() {
      const conn = await connect({ accessUrl: sf.accessUrl, account: sf.account, username: 'floe', password: 'pw', database: 'FLOE', schema: 'PUBLIC', warehouse: 'WH' });
      open.push(conn);
      return conn;
    },
    async close() {
      for (const c of open) await destroy(c);
      await sf.stop();
    },
  };
}

/** Runs a query; values as strings (numbers, dates and booleans included). */
export function query(conn: Connection, sql: string): Promise<Row[]> {
  return rows(conn, sql, { fetchAsString: ['Number', 'Date', 'Boolean'] });
}

/** Runs statements one after the other. */
export async function run(conn: Connection, ...statements: string[]): Promise<void> {
  for (const s of statements) await rows(conn, s);
}
