import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { startPostgres, type LocalPostgres } from '@floe/testkit';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParquetSerializer, createPostgresExtractor, type FloeError } from '../src/index.js';

/**
 * The binary COPY decoder against the CSV one: the same rows written both ways must read back
 * identically (DuckDB as the independent reader), on values chosen to hit each conversion's edges.
 */
let server: LocalPostgres;
let url: string;
let dir: string;
let duck: DuckDBInstance;
let conn: DuckDBConnection;

const EDGES = `CREATE TABLE edges (
  id int PRIMARY KEY, small numeric(15,2), wide numeric(38,10), whole numeric(20,0), free numeric,
  ts timestamp, tz timestamptz, d date, tm time, b bool, by bytea, ch char(4), t text, i8 int8, f4 float4)`;
const ROWS = [
  `(1, 9999999999999.99, 9999999999999999999999999999.9999999999, 99999999999999999999, 0.0001, '1500-02-28 23:59:59.999999', '3000-01-01 00:00:00.000001+00', '0044-03-15 BC', '23:59:59.999999', true, '\\x00ff', 'ab', 'ü 🚀 "q"', 9223372036854775807, 1.5)`,
  `(2, -0.01, -0.0000000001, -1, -123.4500, '2005-05-31 00:00:00', '1969-12-31 23:59:59.5+00', '1970-01-01', '00:00:00', false, '\\x', '', '', -9223372036854775808, -0.0)`,
  `(3, 0, 0, 0, 100000000, '2000-01-01 00:00:00', '2000-01-01 00:00:00+00', '2000-01-01', '12:00:00.5', true, '\\x41', 'abcd', 'NA', 0, 3.4028235e+38)`,
  `(4, 12.5, 1.5, 10000, 0.00000000000000000001, '1999-12-31 23:59:59.999999', '9999-12-31 23:59:59.999999+00', '9999-12-31', '01:02:03', NULL, NULL, NULL, NULL, NULL, NULL)`,
  `(5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
];

beforeAll(async () => {
  server = await startPostgres();
  url = await server.createDatabase('binary');
  dir = await mkdtemp(join(tmpdir(), 'floe-binary-'));
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => undefined);
  await c.connect();
  try {
  await c.query(EDGES);
  await c.query(`INSERT INTO edges VALUES ${ROWS.join(', ')}`);
  // 3,000 rows: several row groups and batches, so tuples cross chunk edges.
  await c.query(`INSERT INTO edges SELECT g, g / 100.0, g * 1.0000000001, g::int8 * 1000000007, g / 7.0, TIMESTAMP '2005-01-01' + g * INTERVAL '1 second', TIMESTAMPTZ '2005-01-01 00:00:00+00' + g * INTERVAL '1 ms', DATE '2005-01-01' + g, TIME '00:00' + g * INTERVAL '1 s', g % 2 = 0, int4send(g), 'x', repeat('t', g % 50), g::int8 * 3, g / 3.0 FROM generate_series(10, 3009) AS g`);
  await c.query(`CREATE TABLE bad_numeric (id int, amount numeric(10,2))`);
  await c.query(`INSERT INTO bad_numeric SELECT g, CASE WHEN g = 2500 THEN 'NaN'::numeric ELSE g END FROM generate_series(1, 3000) AS g`);
  await c.query(`CREATE TABLE bad_time (id int, at timestamp)`);
  await c.query(`INSERT INTO bad_time VALUES (1, '2005-05-31'), (2, 'infinity')`);
  } finally {
    await c.end();
  }
  duck = await DuckDBInstance.create(':memory:');
  conn = await duck.connect();
});
afterAll(async () => {
  conn?.closeSync();
  duck?.closeSync();
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Writes a table as Parquet through one COPY format; returns the files, or the FloeError. */
async function write(table: string, copyFormat: 'binary' | 'csv'): Promise<{ files: string[] } | { error: FloeError }> {
  const serializer = createParquetSerializer({ copyFormat, rowGroupRows: 1_000 });
  expect(serializer.accepts).toBe(copyFormat);
  const x = (await createPostgresExtractor({ connection: { connectionString: url }, table: { schema: 'public', name: table } }).extract({ kind: 'full' }, serializer.accepts))._unsafeUnwrap();
  const files: string[] = [];
  try {
    for await (const part of serializer.serialize(x.schema, x.slices[0]!, { maxRows: 2_000, maxBytes: 1 << 30 })) {
      const chunks: Uint8Array[] = [];
      for await (const c of part.body) chunks.push(c);
      const path = join(dir, `${table}-${copyFormat}-${part.index}.parquet`);
      await writeFile(path, Buffer.concat(chunks));
      files.push(path);
    }
  } catch (e) {
    return { error: e as FloeError };
  } finally {
    await x.close();
  }
  return { files };
}

async function rowsOf(files: string[]): Promise<unknown[][]> {
  const list = files.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ');
  const reader = await conn.runAndReadAll(`SELECT * EXCLUDE (b, "by"), b::VARCHAR AS b, hex("by") AS "by" FROM read_parquet([${list}]) ORDER BY id`);
  return reader.getRowsJS().map((r) => r.map((v) => (typeof v === 'bigint' ? v.toString() : v instanceof Object ? JSON.stringify(v) : v)));
}

describe('Parquet from binary COPY', () => {
  it('writes exactly what the CSV decoder writes, edge values included', async () => {
    const binary = await write('edges', 'binary');
    const csv = await write('edges', 'csv');
    if (!('files' in binary) || !('files' in csv)) throw new Error('expected both to succeed');
    expect(binary.files).toHaveLength(2);
    const a = await rowsOf(binary.files);
    const b = await rowsOf(csv.files);
    expect(a).toHaveLength(3005);
    expect(a).toEqual(b);
    // Spot checks by hand, so both decoders cannot be wrong the same way.
    const typed = await conn.runAndReadAll(
      `SELECT small::VARCHAR, wide::VARCHAR, whole::VARCHAR, free, ts::VARCHAR, tz::VARCHAR, d::VARCHAR, tm::VARCHAR, i8::VARCHAR, hex("by"), ch, t FROM read_parquet([${binary.files.map((f) => `'${f}'`).join(', ')}]) WHERE id <= 4 ORDER BY id`,
    );
    expect(typed.getRowsJS()).toEqual([
      ['9999999999999.99', '9999999999999999999999999999.9999999999', '99999999999999999999', '0.0001', '1500-02-28 23:59:59.999999', '3000-01-01 00:00:00.000001+00', '0044-03-15 (BC)', '23:59:59.999999', '9223372036854775807', '00FF', 'ab  ', 'ü 🚀 "q"'],
      ['-0.01', '-0.0000000001', '-1', '-123.4500', '2005-05-31 00:00:00', '1969-12-31 23:59:59.5+00', '1970-01-01', '00:00:00', '-9223372036854775808', '', '    ', ''],
      ['0.00', '0.0000000000', '0', '100000000', '2000-01-01 00:00:00', '2000-01-01 00:00:00+00', '2000-01-01', '12:00:00.5', '0', '41', 'abcd', 'NA'],
      ['12.50', '1.5000000000', '10000', '0.00000000000000000001', '1999-12-31 23:59:59.999999', '9999-12-31 23:59:59.999999+00', '9999-12-31', '01:02:03', null, null, null, null],
    ]);
  });

  it('refuses NaN in a numeric column and infinity in a timestamp, naming the column', async () => {
    const nan = await write('bad_numeric', 'binary');
    if (!('error' in nan)) throw new Error('expected an error');
    expect(nan.error.kind).toBe('unsupported_value');
    expect(nan.error.message).toContain('amount');
    expect(nan.error.message).toContain('NaN');
    const inf = await write('bad_time', 'binary');
    if (!('error' in inf)) throw new Error('expected an error');
    expect(inf.error.kind).toBe('unsupported_value');
    expect(inf.error.message).toContain('at');
    expect(inf.error.message).toContain('infinity');
  });
});
