import { DuckDBInstance } from '@duckdb/node-api';
import { startPostgres, type LocalPostgres } from '@floe/testkit';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCsvSerializer,
  createLocalUploader,
  createParquetSerializer,
  createPostgresExtractor,
  runExtract,
  type ExtractWindow,
  type Extraction,
  type FloeError,
  type PostgresExtractorOptions,
} from '../src/index.js';

let server: LocalPostgres;
let url: string;
let admin: pg.Client;
let dir: string;

const ROWS = 5_000;

beforeAll(async () => {
  server = await startPostgres();
  url = await server.createDatabase('split');
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
  // Keys bunch up at both ends (1..4000 and 1,000,000..1,000,999), so equal-width ranges are uneven:
  // the split must still cover every row exactly once.
  await admin.query(`CREATE TABLE orders (id int8 PRIMARY KEY, day date NOT NULL, at timestamptz NOT NULL, amount numeric(12,2) NOT NULL, note text, grp int)`);
  await admin.query(`INSERT INTO orders
    SELECT CASE WHEN g <= 4000 THEN g ELSE 996000 + g END,
           DATE '2005-05-30' + (g % 3),
           TIMESTAMPTZ '2005-05-30 00:00:00+00' + g * INTERVAL '17 seconds',
           (g * 7919 % 100000) / 100.0,
           CASE WHEN g % 10 = 0 THEN NULL ELSE 'note ' || g END,
           CASE WHEN g % 7 = 0 THEN NULL ELSE g % 50 END
    FROM generate_series(1, ${ROWS}) AS g`);
  await admin.query(`CREATE TABLE nokey (v text)`);
  await admin.query(`INSERT INTO nokey VALUES ('a'), ('b')`);
  dir = await mkdtemp(join(tmpdir(), 'floe-split-'));
});
afterAll(async () => {
  await admin?.end();
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const orders = (extra: Partial<PostgresExtractorOptions> = {}) => createPostgresExtractor({ connection: { connectionString: url }, table: { schema: 'public', name: 'orders' }, ...extra } as PostgresExtractorOptions);

/** Sessions on the test database besides `admin`, once closed backends have had a moment to exit. */
async function otherSessions(): Promise<number> {
  let n = -1;
  for (let i = 0; i < 20; i++) {
    n = (await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = 'split' AND pid <> pg_backend_pid()`)).rows[0].n as number;
    if (n === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return n;
}

/** Every slice's CSV lines, read concurrently as runExtract does. */
async function readSlices(x: Extraction): Promise<string[][]> {
  try {
    const out = await Promise.all(
      x.slices.map(async (slice) => {
        if (slice.encoding !== 'csv') throw new Error('expected csv');
        const chunks: Uint8Array[] = [];
        for await (const c of slice.chunks) chunks.push(c);
        return Buffer.concat(chunks).toString('utf8').split('\n').filter((l) => l !== '');
      }),
    );
    return out;
  } finally {
    await x.close();
  }
}

async function linesOf(extra: Partial<PostgresExtractorOptions>, window: ExtractWindow = { kind: 'full' }) {
  const x = (await orders(extra).extract(window, 'csv'))._unsafeUnwrap();
  const slices = await readSlices(x);
  const finished = (await x.finished)._unsafeUnwrap();
  return { slices, rows: finished.rows, upper: x.upperBound?.value ?? null };
}

async function errorOf(extra: Partial<PostgresExtractorOptions>, window: ExtractWindow = { kind: 'full' }): Promise<FloeError> {
  const r = await orders(extra).extract(window, 'csv');
  if (r.isOk()) {
    await r.value.close();
    throw new Error('expected an error');
  }
  return r.error;
}

describe('split over several connections in one exported snapshot', () => {
  it('three slices hold exactly the rows one connection reads, each row once', async () => {
    const one = await linesOf({});
    const three = await linesOf({ split: { slices: 3 } });
    expect(one.slices).toHaveLength(1);
    expect(three.slices).toHaveLength(3);
    expect(three.rows).toBe(ROWS);
    const merged = three.slices.flat();
    expect(merged).toHaveLength(ROWS);
    expect(new Set(merged).size).toBe(ROWS);
    expect([...merged].sort()).toEqual([...one.slices[0]!].sort());
    // Ranges of the primary key (id): every id of slice 0 is below every id of slice 2.
    const ids = three.slices.map((s) => s.map((l) => Number(l.split(',')[0])));
    expect(Math.max(...ids[0]!)).toBeLessThan(Math.min(...ids[2]!));
    expect(ids[0]!.length).toBeGreaterThan(0);
    expect(ids[2]!.length).toBeGreaterThan(0);
  });

  it('every slice sees the first connection\'s snapshot, even when rows change before the others connect', async () => {
    const pool = new pg.Pool({ connectionString: url, max: 3 });
    pool.on('error', () => undefined);
    let connects = 0;
    // A pool that commits changes just before handing out the second connection: only an imported
    // snapshot keeps them out of the second slice.
    const racing = {
      async connect() {
        connects += 1;
        if (connects === 2) {
          await admin.query('BEGIN');
          await admin.query('DELETE FROM orders WHERE id > 999000');
          await admin.query(`UPDATE orders SET note = 'changed' WHERE id = 1`);
          await admin.query(`INSERT INTO orders VALUES (0, '2005-05-30', now(), 1.00, 'late', 1)`);
          await admin.query('COMMIT');
        }
        return pool.connect();
      },
    };
    try {
      const x = (await createPostgresExtractor({ pool: racing, table: { schema: 'public', name: 'orders' }, split: { slices: 2 } }).extract({ kind: 'full' }, 'csv'))._unsafeUnwrap();
      expect(connects).toBe(2);
      const slices = await readSlices(x);
      const merged = slices.flat();
      expect(merged).toHaveLength(ROWS);
      expect(merged.filter((l) => l.startsWith('0,'))).toEqual([]);
      expect(merged.find((l) => l.startsWith('1,'))).toContain('note 1');
      expect(merged.filter((l) => Number(l.split(',')[0]) > 999000)).toHaveLength(1000);
    } finally {
      await pool.end();
      await admin.query('BEGIN');
      await admin.query('DELETE FROM orders WHERE id = 0');
      await admin.query(`UPDATE orders SET note = 'note 1' WHERE id = 1`);
      await admin.query(`INSERT INTO orders
        SELECT 996000 + g, DATE '2005-05-30' + (g % 3), TIMESTAMPTZ '2005-05-30 00:00:00+00' + g * INTERVAL '17 seconds', (g * 7919 % 100000) / 100.0,
               CASE WHEN g % 10 = 0 THEN NULL ELSE 'note ' || g END, CASE WHEN g % 7 = 0 THEN NULL ELSE g % 50 END
        FROM generate_series(4001, ${ROWS}) AS g WHERE 996000 + g > 999000 ON CONFLICT DO NOTHING`);
      await admin.query('COMMIT');
    }
    expect((await admin.query('SELECT count(*)::int AS n FROM orders')).rows[0].n).toBe(ROWS);
  });

  it('a nullable key puts its NULLs in the first slice; a timestamp key and a day window work too', async () => {
    const byGroup = await linesOf({ split: { slices: 4, key: 'grp' } });
    expect(byGroup.slices.flat()).toHaveLength(ROWS);
    const nullGroup = (l: string) => l.endsWith(',');
    expect(byGroup.slices[0]!.filter(nullGroup)).toHaveLength(Math.floor(ROWS / 7));
    for (const s of byGroup.slices.slice(1)) expect(s.filter(nullGroup)).toEqual([]);

    const day: ExtractWindow = { kind: 'day', column: 'day', date: '2005-05-31', timeZone: 'UTC' };
    const single = await linesOf({}, day);
    const byTime = await linesOf({ split: { slices: 2, key: 'at' } }, day);
    // day = 2005-05-30 + g % 3: the 31st holds g = 1, 4, ..., 4999.
    expect(single.rows).toBe(1667);
    expect(byTime.rows).toBe(single.rows);
    expect(byTime.slices.flat().sort()).toEqual([...single.slices[0]!].sort());
    expect(byTime.slices.every((s) => s.length > 0)).toBe(true);
  });

  it('a cursor window keeps its upper bound, and an empty window reads as one empty slice', async () => {
    const cursor: ExtractWindow = { kind: 'cursor', column: 'at', after: null };
    const single = await linesOf({}, cursor);
    const split = await linesOf({ split: { slices: 2 } }, cursor);
    expect(split.upper).toBe(single.upper);
    expect(split.rows).toBe(ROWS);
    const empty = await linesOf({ split: { slices: 3 } }, { kind: 'day', column: 'day', date: '1999-01-01', timeZone: 'UTC' });
    expect(empty.slices).toEqual([[]]);
    expect(empty.rows).toBe(0);
  });

  it('refuses bad split settings with a clear error', async () => {
    for (const slices of [0, 1.5, 17]) {
      const e = await errorOf({ split: { slices } });
      expect(e.kind).toBe('config');
      expect(e.message).toContain('split.slices');
    }
    expect((await errorOf({ split: { slices: 2, key: 'note' } })).kind).toBe('config');
    const unknown = await errorOf({ split: { slices: 2, key: 'nope' } });
    expect(unknown.kind).toBe('unknown_column');
    expect(unknown.hint).toContain('amount');
    const noKey = await createPostgresExtractor({ connection: { connectionString: url }, table: { schema: 'public', name: 'nokey' }, split: { slices: 2 } }).extract({ kind: 'full' }, 'csv');
    expect(noKey._unsafeUnwrapErr().message).toContain('no primary key');
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    pool.on('error', () => undefined);
    try {
      const small = await createPostgresExtractor({ pool, table: { schema: 'public', name: 'orders' }, split: { slices: 2 } }).extract({ kind: 'full' }, 'csv');
      expect(small._unsafeUnwrapErr().message).toContain('pool allows 1');
    } finally {
      await pool.end();
    }
    // Nothing was left open: every connection of the failed attempts was given back.
    expect(await otherSessions()).toBe(0);
  });

  it('runExtract uploads every slice: unique part numbers, one manifest, exact money, CSV and Parquet', async () => {
    const uploader = createLocalUploader({ dir });
    const csv = (await runExtract({ table: 'orders', extractor: orders({ split: { slices: 3 } }), serializer: createCsvSerializer(), uploader }, { kind: 'full' }))._unsafeUnwrap();
    expect(csv.rows).toBe(ROWS);
    expect(csv.files.length).toBeGreaterThanOrEqual(3);
    expect(new Set(csv.files.map((f) => f.key)).size).toBe(csv.files.length);
    expect(csv.files.map((f) => f.key.match(/part-(\d+)/)![1])).toEqual(csv.files.map((_, i) => String(i).padStart(5, '0')));
    const manifest = JSON.parse(await readFile(join(dir, csv.manifestKey), 'utf8')) as { rows: number; files: Array<{ key: string; rows: number }> };
    expect(manifest.rows).toBe(ROWS);
    expect(manifest.files.reduce((n, f) => n + f.rows, 0)).toBe(ROWS);
    let lines: string[] = [];
    for (const f of csv.files) lines = lines.concat(gunzipSync(await readFile(join(dir, f.key))).toString('utf8').split('\n').filter((l) => l !== '' && !l.startsWith('id,')));
    expect(lines).toHaveLength(ROWS);
    expect(new Set(lines.map((l) => l.split(',')[0])).size).toBe(ROWS);

    const parquet = (await runExtract({ table: 'orders_pq', extractor: orders({ split: { slices: 2 } }), serializer: createParquetSerializer(), uploader }, { kind: 'full' }))._unsafeUnwrap();
    expect(parquet.rows).toBe(ROWS);
    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    try {
      const files = parquet.files.map((f) => `'${join(dir, f.key).replace(/'/g, "''")}'`).join(', ');
      const back = (await duck.runAndReadAll(`SELECT count(*)::INT, count(DISTINCT id)::INT, sum(amount)::VARCHAR FROM read_parquet([${files}])`)).getRows()[0];
      const truth = (await admin.query('SELECT sum(amount)::text AS s FROM orders')).rows[0].s as string;
      expect(back).toEqual([ROWS, ROWS, truth]);
    } finally {
      duck.closeSync();
    }
  });

  it('a failure in one slice fails the whole run: nothing published, no connection left open', async () => {
    await admin.query('CREATE TABLE bad (id int PRIMARY KEY, amount numeric)');
    await admin.query(`INSERT INTO bad SELECT g, CASE WHEN g = 900 THEN 'NaN'::numeric ELSE g END FROM generate_series(1, 1000) AS g`);
    const runDir = await mkdtemp(join(tmpdir(), 'floe-split-bad-'));
    try {
      const extractor = createPostgresExtractor({ connection: { connectionString: url }, table: { schema: 'public', name: 'bad' }, split: { slices: 2 } });
      const r = await runExtract({ table: 'bad', extractor, serializer: createCsvSerializer(), uploader: createLocalUploader({ dir: runDir }) }, { kind: 'full' });
      const e = r._unsafeUnwrapErr();
      expect(e.kind).toBe('unsupported_value');
      expect(e.object).toBe('amount');
      const { readdir } = await import('node:fs/promises');
      const left = await readdir(runDir, { recursive: true });
      expect(left.filter((f) => String(f).endsWith('_manifest.json') || String(f).includes('part-'))).toEqual([]);
      expect(await otherSessions()).toBe(0);
    } finally {
      await rm(runDir, { recursive: true, force: true });
    }
  });
});
