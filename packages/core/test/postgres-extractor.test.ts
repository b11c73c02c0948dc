import { freePort, startPostgres, type LocalPostgres } from '@floe/testkit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresExtractor, type ExtractWindow, type Extractor, type FloeError, type PostgresExtractorOptions } from '../src/index.js';

let server: LocalPostgres;
let url: string;
let admin: pg.Client;

beforeAll(async () => {
  server = await startPostgres();
  url = await server.createDatabase('extract');
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE TABLE ev (id int PRIMARY KEY, at timestamptz, wall timestamp, d date, label text, amount numeric(10,2), ratio float8)`);
  await admin.query(`INSERT INTO ev (id, at, wall, d) VALUES
    (1, '2005-03-26 22:59:59.999999+00', '2005-05-30 23:59:59.999999', '2005-05-30'),
    (2, '2005-03-26 23:00:00+00',        '2005-05-31 00:00:00',        '2005-05-31'),
    (3, '2005-03-27 21:59:59.999999+00', '2005-05-31 23:59:59.999999', '2005-05-31'),
    (4, '2005-03-27 22:00:00+00',        '2005-06-01 00:00:00',        '2005-06-01'),
    (5, '2005-10-29 21:59:59.999999+00', NULL, NULL),
    (6, '2005-10-29 22:00:00+00',        NULL, NULL),
    (7, '2005-10-30 22:30:00+00',        NULL, NULL),
    (8, '2005-10-30 23:00:00+00',        NULL, NULL)`);
  await admin.query(`CREATE TABLE bad_money (id int, amount numeric, ratio float8)`);
  await admin.query(`INSERT INTO bad_money VALUES (1, 1.5, 'NaN'), (2, 'NaN', 1), (3, 2, 'Infinity')`);
  await admin.query(`CREATE TABLE cur (id int PRIMARY KEY, updated_at timestamptz NOT NULL, seq bigint NOT NULL)`);
});
afterAll(async () => {
  await admin?.end();
  await server?.stop();
});

const ev = (extra: Partial<PostgresExtractorOptions> = {}): Extractor =>
  createPostgresExtractor({ connection: { connectionString: url }, table: { schema: 'public', name: 'ev' }, ...extra } as PostgresExtractorOptions);

/** Reads every row of a window (columnar) and returns the first column's values. */
async function ids(extractor: Extractor, window: ExtractWindow): Promise<{ ids: string[]; upper: string | null }> {
  const x = (await extractor.extract(window, 'columnar'))._unsafeUnwrap();
  const out: string[] = [];
  try {
    if (x.slices[0]!.encoding !== 'columnar') throw new Error('expected columnar rows');
    for await (const b of x.slices[0]!.batches) out.push(...(b.columns[0] ?? []).map((v) => v ?? 'NULL'));
    expect((await x.finished)._unsafeUnwrap().rows).toBe(out.length);
  } finally {
    await x.close();
  }
  return { ids: out, upper: x.upperBound?.value ?? null };
}

/** The error of a window: from extract() itself, or from reading its rows to the end. */
async function errorOf(extractor: Extractor, window: ExtractWindow): Promise<FloeError> {
  const r = await extractor.extract(window, 'csv');
  if (r.isErr()) return r.error;
  const x = r.value;
  try {
    for (const slice of x.slices) if (slice.encoding === 'csv') for await (const _ of slice.chunks) void _;
  } catch {
    // The failure is reported through `finished` as a FloeError.
  } finally {
    await x.close();
  }
  const finished = await x.finished;
  if (finished.isOk()) throw new Error('expected an error');
  return finished.error;
}

describe('day windows', () => {
  it('date column: exactly that day', async () => {
    expect((await ids(ev(), { kind: 'day', column: 'd', date: '2005-05-31', timeZone: 'UTC' })).ids).toEqual(['2', '3']);
  });

  it('timestamp column: [D, D+1) wall time, microsecond edges', async () => {
    expect((await ids(ev(), { kind: 'day', column: 'wall', date: '2005-05-31', timeZone: 'Europe/Paris' })).ids).toEqual(['2', '3']);
  });

  it('timestamptz column: local midnight to local midnight across DST (23 h and 25 h days)', async () => {
    const spring = await ids(ev(), { kind: 'day', column: 'at', date: '2005-03-27', timeZone: 'Europe/Paris' });
    expect(spring.ids).toEqual(['2', '3']);
    const autumn = await ids(ev(), { kind: 'day', column: 'at', date: '2005-10-30', timeZone: 'Europe/Paris' });
    expect(autumn.ids).toEqual(['6', '7']);
    const utc = await ids(ev(), { kind: 'day', column: 'at', date: '2005-10-30', timeZone: 'UTC' });
    expect(utc.ids).toEqual(['7', '8']);
  });

  it('full window: every row', async () => {
    expect((await ids(ev(), { kind: 'full' })).ids).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
  });
});

describe('bad input is a typed error', () => {
  it('unknown table, column, window column', async () => {
    const noTable = createPostgresExtractor({ connection: { connectionString: url }, table: { schema: 'public', name: 'nope' } });
    expect((await errorOf(noTable, { kind: 'full' })).kind).toBe('unknown_table');
    expect((await noTable.describe())._unsafeUnwrapErr().kind).toBe('unknown_table');
    const noTableQuery = createPostgresExtractor({ connection: { connectionString: url }, query: { name: 'q', sql: 'SELECT * FROM nope' } });
    expect((await errorOf(noTableQuery, { kind: 'full' })).kind).toBe('unknown_table');
    expect((await errorOf(ev({ columns: ['id', 'nope'] }), { kind: 'full' })).kind).toBe('unknown_column');
    const e = await errorOf(ev(), { kind: 'day', column: 'nope', date: '2005-05-31', timeZone: 'UTC' });
    expect(e.kind).toBe('unknown_column');
    expect(e.object).toBe('public.ev.nope');
  });

  it('non-date window column, bad date, unknown or hostile time zone', async () => {
    expect((await errorOf(ev(), { kind: 'day', column: 'label', date: '2005-05-31', timeZone: 'UTC' })).kind).toBe('bad_window');
    expect((await errorOf(ev(), { kind: 'day', column: 'd', date: '2005-02-30', timeZone: 'UTC' })).kind).toBe('bad_window');
    expect((await errorOf(ev(), { kind: 'day', column: 'd', date: "2005-05-31' OR 1=1 --", timeZone: 'UTC' })).kind).toBe('bad_window');
    expect((await errorOf(ev(), { kind: 'day', column: 'at', date: '2005-05-31', timeZone: "UTC'; DROP TABLE ev; --" })).kind).toBe('bad_window');
    expect((await errorOf(ev(), { kind: 'cursor', column: 'label', after: null })).kind).toBe('bad_window');
    expect((await errorOf(ev(), { kind: 'cursor', column: 'id', after: null, lagSeconds: 5 })).kind).toBe('bad_window');
    expect((await errorOf(ev(), { kind: 'cursor', column: 'at', after: { column: 'at', value: 'yesterday-ish' } })).kind).toBe('bad_window');
    const n = await admin.query('SELECT count(*)::int AS n FROM ev');
    expect(n.rows[0].n).toBe(8);
  });

  it('NaN/Infinity in a numeric column fails naming the column; float NaN passes', async () => {
    const x = createPostgresExtractor({ connection: { connectionString: url }, table: { schema: 'public', name: 'bad_money' } });
    const e = await errorOf(x, { kind: 'full' });
    expect(e.kind).toBe('unsupported_value');
    expect(e.object).toBe('amount');
    expect(e.message).toContain('amount');
    const onlyFloat = createPostgresExtractor({ connection: { connectionString: url }, table: { schema: 'public', name: 'bad_money' }, columns: ['id', 'ratio'] });
    expect((await ids(onlyFloat, { kind: 'full' })).ids).toEqual(['1', '2', '3']);
  });

  it('dead port: source_unreachable', async () => {
    const port = await freePort();
    const x = createPostgresExtractor({ connection: { host: '127.0.0.1', port, user: 'postgres', password: 'whatever-secret', database: 'extract' }, table: { schema: 'public', name: 'ev' } });
    const e = await errorOf(x, { kind: 'full' });
    expect(e.kind).toBe('source_unreachable');
    expect(e.message).toContain(`127.0.0.1:${port}`);
  });

  it('wrong password: source_auth, and the password appears nowhere in the error', async () => {
    const password = 'Wr0ng-Pa55word-xyz';
    const x = createPostgresExtractor({ connection: { host: server.host, port: server.port, user: 'postgres', password, database: 'extract' }, table: { schema: 'public', name: 'ev' } });
    const e = await errorOf(x, { kind: 'full' });
    expect(e.kind).toBe('source_auth');
    expect(`${e.message} ${e.hint} ${e.object ?? ''}`).not.toContain(password);
    const viaUrl = createPostgresExtractor({ connection: { connectionString: `postgres://postgres:${password}@${server.host}:${server.port}/extract` }, table: { schema: 'public', name: 'ev' } });
    const e2 = (await viaUrl.describe())._unsafeUnwrapErr();
    expect(e2.kind).toBe('source_auth');
    expect(`${e2.message} ${e2.hint}`).not.toContain(password);
  });

  it('unknown database: config', async () => {
    const x = createPostgresExtractor({ connection: { connectionString: server.url('no_such_db') }, table: { schema: 'public', name: 'ev' } });
    expect((await errorOf(x, { kind: 'full' })).kind).toBe('config');
  });
});

describe('cursor windows', () => {
  const cur = () => createPostgresExtractor({ connection: { connectionString: url }, table: { schema: 'public', name: 'cur' } });

  it('consecutive runs neither lose nor duplicate boundary rows, microseconds kept', async () => {
    await admin.query('TRUNCATE cur');
    await admin.query(`INSERT INTO cur VALUES (1, '2026-11-26 10:00:00.000001+00', 1), (2, '2026-11-26 10:00:00.000002+00', 2), (3, '2026-11-26 10:00:00.000002+00', 3)`);
    const first = await ids(cur(), { kind: 'cursor', column: 'updated_at', after: null });
    expect(first.ids.sort()).toEqual(['1', '2', '3']);
    expect(first.upper).toBe('2026-11-26 10:00:00.000002+00:00');
    // One row 1 µs above the bound, one exactly at it (committed late: only a lag protects it).
    await admin.query(`INSERT INTO cur VALUES (4, '2026-11-26 10:00:00.000003+00', 4), (5, '2026-11-26 11:00:00+00', 5)`);
    const second = await ids(cur(), { kind: 'cursor', column: 'updated_at', after: { column: 'updated_at', value: first.upper! } });
    expect(second.ids.sort()).toEqual(['4', '5']);
    expect(second.upper).toBe('2026-11-26 11:00:00.000000+00:00');
    const third = await ids(cur(), { kind: 'cursor', column: 'updated_at', after: { column: 'updated_at', value: second.upper! } });
    expect(third).toEqual({ ids: [], upper: null });
  });

  it('lagSeconds stops below the max and the rows above it come next time', async () => {
    await admin.query('TRUNCATE cur');
    await admin.query(`INSERT INTO cur VALUES (1, '2026-11-26 10:00:00+00', 1), (2, '2026-11-26 10:00:50+00', 2), (3, '2026-11-26 10:01:00+00', 3)`);
    const first = await ids(cur(), { kind: 'cursor', column: 'updated_at', after: null, lagSeconds: 30 });
    expect(first).toEqual({ ids: ['1'], upper: '2026-11-26 10:00:30.000000+00:00' });
    const second = await ids(cur(), { kind: 'cursor', column: 'updated_at', after: { column: 'updated_at', value: first.upper! } });
    expect(second.ids).toEqual(['2', '3']);
  });

  it('an integer cursor column works too', async () => {
    const first = await ids(cur(), { kind: 'cursor', column: 'seq', after: { column: 'seq', value: '1' } });
    expect(first).toEqual({ ids: ['2', '3'], upper: '3' });
  });
});

describe('connections', () => {
  it('uses a caller pool, and gives the connection back after close', async () => {
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    // node-postgres re-emits an error of a client being closed (e.g. the server stopping) on the pool.
    pool.on('error', () => undefined);
    try {
      const x = createPostgresExtractor({ pool, table: { schema: 'public', name: 'ev' } });
      expect((await ids(x, { kind: 'full' })).ids).toHaveLength(8);
      // Closing mid-stream (COPY still running) must not leave a broken connection in the pool.
      const y = (await x.extract({ kind: 'full' }, 'csv'))._unsafeUnwrap();
      await y.close();
      expect((await y.finished)._unsafeUnwrapErr().kind).toBe('aborted');
      expect((await ids(x, { kind: 'full' })).ids).toHaveLength(8);
      expect(pool.totalCount).toBe(pool.idleCount);
    } finally {
      await pool.end();
    }
  });

  it('runs in a read-only snapshot with the session pinned', async () => {
    const x = createPostgresExtractor({ connection: { connectionString: url }, query: { name: 'settings', sql: `SELECT current_setting('transaction_isolation') AS iso, current_setting('transaction_read_only') AS ro, current_setting('TimeZone') AS tz, current_setting('IntervalStyle') AS ivs` } });
    const r = (await x.extract({ kind: 'full' }, 'csv'))._unsafeUnwrap();
    const chunks: Uint8Array[] = [];
    const slice = r.slices[0]!;
    if (slice.encoding === 'csv') for await (const c of slice.chunks) chunks.push(c);
    await r.close();
    expect(Buffer.concat(chunks).toString('utf8')).toBe('repeatable read,on,UTC,iso_8601\n');
  });
});
