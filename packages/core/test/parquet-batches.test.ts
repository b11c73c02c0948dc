import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParquetSerializer, type PartBounds, type TableSchema } from '../src/index.js';
import { col } from './support/column.js';

// The arrow engine decodes and hands parquet-wasm batches of at most 8192 rows, reusing the
// decoder's buffers from one batch to the next; the writer joins the batches into row groups.
// These tests hold that to the data: exact row groups, parts cut on row groups, and no value or
// NULL carried over from one batch into the next.

const schema: TableSchema = {
  schema: 'public',
  name: 'batched',
  primaryKey: ['id'],
  columns: [
    col('id', 'integer', 'int4', { nullable: false }),
    col('qty', 'smallint', 'int2'),
    col('price', 'numeric(12,2)', 'numeric', { precision: 12, scale: 2 }),
    col('ok', 'boolean', 'bool'),
    col('name', 'text', 'text'),
    col('d', 'date', 'date'),
    col('ts', 'timestamp without time zone', 'timestamp'),
  ],
};
type Row = [string, string | null, string | null, string | null, string | null, string | null, string | null];

/**
 * Row `i` of batch `b` (of `batchRows` rows): even batches have values where odd batches have
 * NULLs and the reverse, and text lengths swing from long to empty, so a reused buffer that kept
 * anything from the previous batch shows up in the read-back.
 */
function row(i: number, batchRows: number): Row {
  const odd = Math.floor(i / batchRows) % 2 === 1;
  const on = (i % 3 === 0) !== odd;
  const cents = BigInt(i) * 7919n - 50_000n;
  const abs = cents < 0n ? -cents : cents;
  const price = `${cents < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
  const name = odd ? (i % 5 === 0 ? '' : `n${i}`) : `${'long text, "quoted" '.repeat(1 + (i % 4))}${i}`;
  return [
    String(i),
    on ? String((i % 65_535) - 32_767) : null,
    on ? price : null,
    on ? (i % 2 === 0 ? 't' : 'f') : null,
    i % 7 === 3 ? null : name,
    on ? `20${String(10 + (i % 20))}-0${1 + (i % 9)}-${String(1 + (i % 28)).padStart(2, '0')}` : null,
    on ? null : `2004-02-${String(1 + (i % 28)).padStart(2, '0')} 0${i % 10}:30:00.${String(i % 1_000_000).padStart(6, '0')}`,
  ];
}

function copyCsv(rows: readonly Row[]): Buffer {
  const field = (v: string | null) => (v === null ? '' : v === '' || /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return Buffer.from(rows.map((r) => `${r.map(field).join(',')}\n`).join(''), 'utf8');
}

async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let p = 0; p < bytes.length; p += size) yield new Uint8Array(bytes.subarray(p, p + size));
}

let dir: string;
let duck: DuckDBConnection;
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floe-batches-'));
  duck = await (await DuckDBInstance.create(':memory:')).connect();
});
afterAll(async () => {
  duck.closeSync();
  await rm(dir, { recursive: true, force: true });
});

interface Written {
  readonly file: string;
  readonly rows: number;
}

async function write(rows: readonly Row[], rowGroupRows: number, encodeInWorker: boolean, bounds: PartBounds): Promise<Written[]> {
  const out: Written[] = [];
  const stream = { encoding: 'csv', chunks: chunked(copyCsv(rows), 64 * 1024) } as const;
  for await (const part of createParquetSerializer({ rowGroupRows, encodeInWorker, copyFormat: 'csv' }).serialize(schema, stream, bounds)) {
    const chunks: Uint8Array[] = [];
    for await (const c of part.body) chunks.push(c);
    const st = await part.stats;
    if (st.isErr()) throw st.error;
    const file = join(dir, `b${n++}.parquet`);
    await writeFile(file, Buffer.concat(chunks));
    out.push({ file, rows: st.value.rows });
  }
  return out;
}

async function rowGroups(file: string): Promise<number[]> {
  const got = (await duck.runAndReadAll(`SELECT DISTINCT row_group_id, row_group_num_rows::INTEGER FROM parquet_metadata('${file}') ORDER BY row_group_id`)).getRows();
  return got.map((r) => r[1] as number);
}

async function readBack(files: readonly Written[]): Promise<unknown[][]> {
  const cols = schema.columns.map((c) => `"${c.name}"::VARCHAR`).join(', ');
  return (await duck.runAndReadAll(`SELECT ${cols} FROM read_parquet([${files.map((f) => `'${f.file}'`).join(',')}]) ORDER BY id`)).getRows();
}

/** What DuckDB prints for a row's values: booleans in words, timestamps without trailing zero digits. */
function expected(r: Row): Array<string | null> {
  return r.map((v, c) => (v === null ? null : c === 3 ? (v === 't' ? 'true' : 'false') : c === 6 ? v.replace(/\.?0+$/, '') : v));
}

describe.each([true, false])('Parquet (arrow) batches, encodeInWorker %s', (encodeInWorker) => {
  it('writes row groups of exactly rowGroupRows from smaller batches, every value exact', async () => {
    // 20 000-row groups go to the writer as 3 batches of 6 667 rows (the last one 6 666).
    const rows = Array.from({ length: 45_000 }, (_, i) => row(i, 6_667));
    const parts = await write(rows, 20_000, encodeInWorker, { maxRows: 1_000_000, maxBytes: 1 << 30 });
    expect(parts.map((p) => p.rows)).toEqual([45_000]);
    expect(await rowGroups(parts[0]!.file)).toEqual([20_000, 20_000, 5_000]);
    expect(await readBack(parts)).toEqual(rows.map(expected));
  });

  it('ends a part cut by maxBytes on a row-group boundary, never inside one', async () => {
    // 10 000-row groups as 2 batches of 5 000: the byte check between batches must wait for the group's end.
    const rows = Array.from({ length: 45_000 }, (_, i) => row(i, 5_000));
    const parts = await write(rows, 10_000, encodeInWorker, { maxRows: 1_000_000, maxBytes: 1 });
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.reduce((a, p) => a + p.rows, 0)).toBe(45_000);
    for (const p of parts.slice(0, -1)) {
      expect(p.rows % 10_000).toBe(0);
      expect((await rowGroups(p.file)).every((g) => g === 10_000)).toBe(true);
    }
    const back = await readBack(parts);
    expect(back.map((r) => r[0])).toEqual(rows.map((r) => r[0]));
    expect(back).toEqual(rows.map(expected));
  });

  it('carries nothing over from one batch into the next through the reused buffers', async () => {
    // 1 000-row groups are 1 000-row batches; the last batch is short (500 rows) and the parts end
    // mid-batch (maxRows 2 300), so reused buffers are read at lengths below what they last held.
    const rows = Array.from({ length: 3_500 }, (_, i) => row(i, 1_000));
    const parts = await write(rows, 1_000, encodeInWorker, { maxRows: 2_300, maxBytes: 1 << 30 });
    expect(parts.map((p) => p.rows)).toEqual([2_300, 1_200]);
    expect(await rowGroups(parts[0]!.file)).toEqual([1_000, 1_000, 300]);
    expect(await readBack(parts)).toEqual(rows.map(expected));
  });
});
