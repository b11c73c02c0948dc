import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCsvSerializer, createParquetSerializer, type ColumnBatch, type Serializer, type TableSchema } from '../src/index.js';
import { col } from './support/column.js';

// A measurement, not a check of speed: it runs only with FLOE_BENCH=1 and asserts the data only.
const ROWS = Number(process.env.FLOE_BENCH_ROWS ?? 200_000);
const schema: TableSchema = {
  schema: 'public',
  name: 'sales',
  primaryKey: ['id'],
  columns: [
    col('id', 'bigint', 'int8'),
    col('ordernumber', 'integer', 'int4'),
    col('quantityordered', 'smallint', 'int2'),
    col('priceeach', 'numeric(10,2)', 'numeric', { precision: 10, scale: 2 }),
    col('orderdate', 'timestamp without time zone', 'timestamp'),
    col('status', 'text', 'text'),
    col('productline', 'text', 'text'),
    col('customername', 'text', 'text'),
    col('country', 'text', 'text'),
  ],
};
const statuses = ['Shipped', 'Cancelled', 'Resolved', 'On Hold', 'In Process', 'Disputed'];
const lines = ['Motorcycles', 'Classic Cars', 'Trucks and Buses', 'Vintage Cars', 'Planes', 'Ships', 'Trains'];

function row(i: number): string[] {
  const cents = (i * 7919) % 1_000_000;
  const day = 1 + (i % 28);
  return [String(i), String(10100 + (i >> 3)), String(1 + (i % 97)), `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`, `2004-02-${String(day).padStart(2, '0')} 00:00:00.000000`, statuses[i % 6]!, lines[i % 7]!, `Customer ${i % 500}`, i % 3 ? 'USA' : 'France'];
}

async function* columnar(n: number): AsyncGenerator<ColumnBatch> {
  for (let start = 0; start < n; start += 10_000) {
    const count = Math.min(10_000, n - start);
    const columns: string[][] = schema.columns.map(() => []);
    for (let i = start; i < start + count; i++) row(i).forEach((v, c) => columns[c]!.push(v));
    yield { rowCount: count, columns };
  }
}

async function* csvChunks(n: number): AsyncGenerator<Uint8Array> {
  for (let start = 0; start < n; start += 1000) {
    let text = '';
    for (let i = start; i < Math.min(n, start + 1000); i++) text += `${row(i).join(',')}\n`;
    yield Buffer.from(text);
  }
}

describe.skipIf(process.env.FLOE_BENCH !== '1')('serializer throughput (FLOE_BENCH=1 to run)', () => {
  it.each([
    ['parquet arrow snappy', () => createParquetSerializer()],
    ['parquet arrow zstd', () => createParquetSerializer({ compression: 'zstd' })],
    ['parquet parquetjs-lite snappy (price as text)', () => createParquetSerializer({ engine: 'parquetjs-lite' })],
    ['csv gzip 6', () => createCsvSerializer()],
  ] as const)('%s', async (label, make) => {
    const ser: Serializer = make();
    // parquetjs-lite refuses numeric: measure it on the same rows with the price column as text.
    const s: TableSchema = label.includes('parquetjs-lite') ? { ...schema, columns: schema.columns.map((c) => (c.name === 'priceeach' ? col('priceeach', 'text', 'text') : c)) } : schema;
    const dir = await mkdtemp(join(tmpdir(), 'floe-bench-'));
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const t0 = performance.now();
    const files: string[] = [];
    let rows = 0;
    let bytes = 0;
    const stream = ser.accepts === 'csv' ? ({ encoding: 'csv', chunks: csvChunks(ROWS) } as const) : ({ encoding: 'columnar', batches: columnar(ROWS) } as const);
    for await (const part of ser.serialize(s, stream, { maxRows: 10_000_000, maxBytes: 1 << 30 })) {
      const chunks: Uint8Array[] = [];
      for await (const c of part.body) chunks.push(c);
      const st = (await part.stats)._unsafeUnwrap();
      rows += st.rows;
      bytes += st.bytes;
      const file = join(dir, `part-${part.index}.${part.extension}`);
      await writeFile(file, Buffer.concat(chunks));
      files.push(file);
    }
    const ms = performance.now() - t0;
    clearInterval(timer);
    const conn = await (await DuckDBInstance.create(':memory:')).connect();
    const reader = ser.format === 'csv' ? `read_csv([${files.map((f) => `'${f}'`).join(',')}], header = true, columns = {'id': 'BIGINT', 'ordernumber': 'INTEGER', 'quantityordered': 'SMALLINT', 'priceeach': 'DECIMAL(10,2)', 'orderdate': 'TIMESTAMP', 'status': 'VARCHAR', 'productline': 'VARCHAR', 'customername': 'VARCHAR', 'country': 'VARCHAR'})` : `read_parquet([${files.map((f) => `'${f}'`).join(',')}])`;
    const [[count, sum]] = (await conn.runAndReadAll(`SELECT count(*)::BIGINT::VARCHAR, sum(priceeach::DECIMAL(10,2))::VARCHAR FROM ${reader}`)).getRows() as [[string, string]];
    conn.closeSync();
    let exact = 0n;
    for (let i = 0; i < ROWS; i++) exact += BigInt((i * 7919) % 1_000_000);
    expect([rows, Number(count)]).toEqual([ROWS, ROWS]);
    expect(sum).toBe(`${exact / 100n}.${String(exact % 100n).padStart(2, '0')}`);
    console.log(`${label}: ${ROWS} rows in ${(ms / 1000).toFixed(2)} s, ${(bytes / 1e6).toFixed(2)} MB, peak RSS +${((peak - rss0) / 1e6).toFixed(0)} MB`);
    await rm(dir, { recursive: true, force: true });
  });
});
