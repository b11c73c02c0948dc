import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParquetSerializer, isFloeError, type ColumnBatch, type FloeError, type RowStream, type TableSchema } from '../src/index.js';
import { col } from './support/column.js';

// The arrow engine reads COPY CSV bytes straight into Arrow builders. These tests hold that path
// to the text-batch path (the reference): same rows in, same values read back by DuckDB.

const schema: TableSchema = {
  schema: 'public',
  name: 'decoded',
  primaryKey: ['id'],
  columns: [
    col('id', 'integer', 'int4', { nullable: false }),
    col('qty', 'smallint', 'int2'),
    col('i8', 'bigint', 'int8'),
    col('price', 'numeric(10,2)', 'numeric', { precision: 10, scale: 2 }),
    col('p15', 'numeric(15,5)', 'numeric', { precision: 15, scale: 5 }),
    col('wide', 'numeric(38,10)', 'numeric', { precision: 38, scale: 10 }),
    col('free', 'numeric', 'numeric'),
    col('f8', 'double precision', 'float8'),
    col('ok', 'boolean', 'bool'),
    col('name', 'text', 'text'),
    col('d', 'date', 'date'),
    col('ts', 'timestamp without time zone', 'timestamp'),
    col('tstz', 'timestamp with time zone', 'timestamptz'),
    col('t', 'time without time zone', 'time'),
    col('arr', 'text[]', 'text', { isArray: true }),
    col('blob', 'bytea', 'bytea'),
  ],
};
type Row = Array<string | null>;
const edge: Record<string, ReadonlyArray<string | null>> = {
  qty: ['-32768', '32767', '0', null],
  i8: ['9223372036854775807', '-9223372036854775808', '0', null],
  price: ['0.00', '-0.01', '99999999.99', '19.99', null, '0.10', '-0.00', '5'],
  p15: ['9999999999.99999', '-9999999999.99999', '0.00001', '1.50000000', null],
  wide: ['1234567890123456789012345678.0123456789', '-0.0000000001', null],
  free: ['3.14159265358979323846264338327950288419716939937510', null, '-7'],
  f8: ['0.1', '-Infinity', 'NaN', '1e+300', null],
  ok: ['t', 'f', null],
  name: ['plain', '', null, 'say "hi", then\r\nleft', '"', '""', 'NA', 'naïve ☃ 🚀', ' padded ', '\\.', 'a,b'],
  d: ['1969-12-31', '0001-01-01', '2026-11-25', '2000-02-29', null, '9999-12-31', '0044-03-15 BC', '12345-01-01'],
  ts: ['1969-12-31 23:59:59.999999', '1900-01-01 00:00:00.000000', '2026-11-25 10:00:00.000001', null, '0001-01-01 00:00:00.000000', '2005-05-31 00:00:00.000000 BC', '3000-01-01 00:00:00.000000'],
  tstz: ['2026-11-25 10:00:00.123456+00:00', '1969-12-31 23:59:59.999999+00:00', null, '1850-06-01 12:00:00.000000+00:00', '2262-04-12 00:00:00.000000+00:00'],
  t: ['00:00:00.000000', '23:59:59.999999', null],
  arr: ['["a,b","c\\"d",null]', '[]', null],
  blob: ['deadbeef00ff', '', null],
};
const names = schema.columns.slice(1).map((c) => c.name);
const rows: Row[] = Array.from({ length: 997 }, (_, i) => [String(i), ...names.map((n) => edge[n]![i % edge[n]!.length] ?? null)]);

/** PostgreSQL COPY CSV: NULL unquoted empty, `""` for the empty string, quotes only when needed. */
function copyCsv(data: readonly Row[]): Buffer {
  const field = (v: string | null) => (v === null ? '' : v === '' || v === '\\.' || /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return Buffer.from(data.map((r) => `${r.map(field).join(',')}\n`).join(''), 'utf8');
}

async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let p = 0; p < bytes.length; p += size) yield new Uint8Array(bytes.subarray(p, p + size));
}

async function* batches(data: readonly Row[]): AsyncGenerator<ColumnBatch> {
  yield { rowCount: data.length, columns: schema.columns.map((_, c) => data.map((r) => r[c] ?? null)) };
}

let dir: string;
let duck: DuckDBConnection;
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floe-csvdec-'));
  duck = await (await DuckDBInstance.create(':memory:')).connect();
  await duck.run("SET TimeZone = 'UTC'");
});
afterAll(async () => {
  duck.closeSync();
  await rm(dir, { recursive: true, force: true });
});

async function writeAll(stream: RowStream, encodeInWorker: boolean, rowGroupRows = 100): Promise<string[]> {
  const files: string[] = [];
  for await (const part of createParquetSerializer({ encodeInWorker, rowGroupRows }).serialize(schema, stream, { maxRows: 400, maxBytes: 1 << 30 })) {
    const chunks: Uint8Array[] = [];
    for await (const c of part.body) chunks.push(c);
    const st = await part.stats;
    if (st.isErr()) throw st.error;
    const file = join(dir, `f${n++}.parquet`);
    await writeFile(file, Buffer.concat(chunks));
    files.push(file);
  }
  return files;
}

async function readBack(files: readonly string[]): Promise<unknown[][]> {
  const cols = schema.columns.map((c) => `"${c.name}"::VARCHAR`).join(', ');
  return (await duck.runAndReadAll(`SELECT ${cols} FROM read_parquet([${files.map((f) => `'${f}'`).join(',')}]) ORDER BY id`)).getRows();
}

async function failure(csv: string): Promise<FloeError> {
  try {
    await writeAll({ encoding: 'csv', chunks: chunked(Buffer.from(csv), 5) }, true);
  } catch (e) {
    if (isFloeError(e)) return e;
    throw e;
  }
  throw new Error('expected the CSV to be refused');
}

describe('Parquet (arrow) from COPY CSV bytes', () => {
  it('accepts CSV and writes the same values as the text-batch path, whatever the chunking', async () => {
    expect(createParquetSerializer({ copyFormat: 'csv' }).accepts).toBe('csv');
    const reference = await readBack(await writeAll({ encoding: 'columnar', batches: batches(rows) }, false));
    expect(reference).toHaveLength(rows.length);
    const csv = copyCsv(rows);
    for (const size of [1, 7, 4096, csv.length]) {
      const files = await writeAll({ encoding: 'csv', chunks: chunked(csv, size) }, true);
      // 997 rows with maxRows 400: three parts, each of 100-row groups.
      expect(files).toHaveLength(3);
      expect(await readBack(files)).toEqual(reference);
    }
  });

  it('keeps money exact and NULL apart from the empty string', async () => {
    const files = await writeAll({ encoding: 'csv', chunks: chunked(copyCsv(rows), 333) }, true);
    const list = `[${files.map((f) => `'${f}'`).join(',')}]`;
    const [[sum, nulls, empties]] = (await duck.runAndReadAll(`SELECT sum(price)::VARCHAR, count(*) FILTER (WHERE name IS NULL)::INT, count(*) FILTER (WHERE name = '')::INT FROM read_parquet(${list})`)).getRows() as [[string, number, number]];
    let cents = 0n;
    for (const r of rows) if (r[3] !== null) cents += BigInt(r[3]!.replace('.', '').replace(/^(-?)0+(?=\d)/, '$1')) * (r[3]!.includes('.') ? 1n : 100n);
    expect(sum).toBe(`${cents < 0n ? '-' : ''}${(cents < 0n ? -cents : cents) / 100n}.${String((cents < 0n ? -cents : cents) % 100n).padStart(2, '0')}`);
    expect([nulls, empties]).toEqual([rows.filter((r) => r[9] === null).length, rows.filter((r) => r[9] === '').length]);
  });

  it('keeps a last record that has no line end', async () => {
    const csv = copyCsv(rows.slice(0, 3)).subarray(0, -1);
    const files = await writeAll({ encoding: 'csv', chunks: chunked(csv, 10) }, true);
    expect((await readBack(files)).map((r) => r[0])).toEqual(['0', '1', '2']);
  });

  it('refuses a value that would be rounded, naming the column', async () => {
    const row = rows[0]!.slice();
    row[3] = '12.345';
    const e = await failure(copyCsv([rows[1]!, row]).toString());
    expect([e.kind, e.object]).toEqual(['unsupported_value', 'price']);
    expect(e.message).toContain('12.345');
  });

  it('refuses an out-of-range smallint and a decimal that overflows its precision', async () => {
    const a = rows[0]!.slice();
    a[1] = '32768';
    expect((await failure(copyCsv([a]).toString())).object).toBe('qty');
    const b = rows[0]!.slice();
    b[3] = '123456789.00';
    expect((await failure(copyCsv([b]).toString())).object).toBe('price');
  });

  it('fails on a record with too few columns and on input cut inside a quoted field', async () => {
    expect((await failure('1,2\n')).kind).toBe('internal');
    const cut = copyCsv([rows[3]!]).toString();
    expect((await failure(cut.slice(0, cut.indexOf('"say') + 5))).kind).toBe('serialize');
  });

  it('writes one empty file with the schema for zero rows', async () => {
    const files = await writeAll({ encoding: 'csv', chunks: chunked(Buffer.alloc(0), 1) }, true);
    expect(files).toHaveLength(1);
    const described = (await duck.runAndReadAll(`SELECT count(*)::INT FROM (DESCRIBE SELECT * FROM read_parquet('${files[0]}'))`)).getRows();
    expect(described).toEqual([[schema.columns.length]]);
    expect(await readBack(files)).toEqual([]);
  });
});
