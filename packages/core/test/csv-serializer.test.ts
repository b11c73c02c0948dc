import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCsvSerializer, type PartBounds, type PartStats, type TableSchema } from '../src/index.js';

type Row = readonly (string | null)[];

const schema: TableSchema = {
  schema: 'public',
  name: 'notes',
  primaryKey: ['id'],
  columns: [
    { name: 'id', pgType: 'integer', baseType: 'int4', isArray: false, nullable: false },
    { name: 'body', pgType: 'text', baseType: 'text', isArray: false, nullable: true },
    { name: 'amount', pgType: 'numeric(12,2)', baseType: 'numeric', isArray: false, nullable: true, precision: 12, scale: 2 },
  ],
};

// The values that break naive CSV handling: quoted newlines (LF, CRLF, lone CR), doubled quotes,
// commas, NULL next to empty string, and text that other tools read as NULL.
const tricky = ['plain', '', 'line1\nline2', 'crlf\r\ninside', 'lone\rcr', 'say "hi"', 'a,b', '"', '""', 'NA', '\\N', 'naïve ☃', ' padded ', '\n\n\n'];

function rowsFixture(n: number): Row[] {
  return Array.from({ length: n }, (_, i) => [String(i), i % 17 === 5 ? null : (tricky[i % tricky.length] ?? '') + (i % 3 === 0 ? ` #${i}` : ''), i % 11 === 0 ? null : `${i}.${String(i % 100).padStart(2, '0')}`]);
}

/** PostgreSQL COPY CSV encoding: NULL unquoted empty, "" for empty string, quote when needed. */
function copyCsv(rows: readonly Row[]): Buffer {
  const field = (v: string | null) => (v === null ? '' : v === '' || /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return Buffer.from(rows.map((r) => `${r.map(field).join(',')}\n`).join(''), 'utf8');
}

async function* chunked(bytes: Buffer, sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  let pos = 0;
  let i = 0;
  while (pos < bytes.length) {
    const size = sizes[i++ % sizes.length] ?? 1;
    // Fresh copies, like a socket would hand them out.
    yield new Uint8Array(bytes.subarray(pos, pos + size));
    pos += size;
  }
}

interface Collected {
  readonly gz: Buffer;
  readonly raw: Buffer;
  readonly stats: PartStats;
  readonly index: number;
}

async function collect(source: AsyncIterable<Uint8Array>, bounds: PartBounds): Promise<Collected[]> {
  const out: Collected[] = [];
  for await (const part of createCsvSerializer().serialize(schema, { encoding: 'csv', chunks: source }, bounds)) {
    expect(part.extension).toBe('csv.gz');
    const pieces: Buffer[] = [];
    for await (const c of part.body) pieces.push(Buffer.from(c));
    const stats = (await part.stats)._unsafeUnwrap();
    const gz = Buffer.concat(pieces);
    out.push({ gz, raw: gunzipSync(gz), stats, index: part.index });
  }
  return out;
}

let dir: string;
let duck: DuckDBConnection;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floe-csv-'));
  duck = await (await DuckDBInstance.create(':memory:')).connect();
});
afterAll(async () => {
  duck.closeSync();
  await rm(dir, { recursive: true, force: true });
});

/** Reads the parts back with DuckDB, which knows nothing of our splitter. */
async function readBack(parts: readonly Collected[], tag: string): Promise<Row[]> {
  const files: string[] = [];
  for (const p of parts) {
    const file = join(dir, `${tag}-${p.index}.csv.gz`);
    await writeFile(file, p.gz);
    files.push(`'${file}'`);
  }
  const reader = await duck.runAndReadAll(
    `SELECT id, body, amount FROM read_csv([${files.join(',')}], header = true, all_varchar = true, quote = '"', escape = '"', delim = ',', new_line = '\\n', allow_quoted_nulls = false, strict_mode = true) ORDER BY id::INTEGER`,
  );
  return reader.getRows().map((r) => r.map((v) => (v === null ? null : String(v))));
}

describe('createCsvSerializer', () => {
  it('rolls over at maxRows exactly at record boundaries, with quoted newlines split across 7-byte chunks', async () => {
    const rows = rowsFixture(500);
    const parts = await collect(chunked(copyCsv(rows), [7]), { maxRows: 37, maxBytes: 1 << 30 });
    expect(parts.map((p) => p.stats.rows)).toEqual([...Array<number>(13).fill(37), 500 - 13 * 37]);
    for (const p of parts) {
      expect(p.raw.subarray(0, 15).toString()).toBe('id,body,amount\n');
      // Each part is a whole CSV file: DuckDB counts the same rows as the serializer.
      const file = join(dir, `count-${p.index}.csv.gz`);
      await writeFile(file, p.gz);
      const n = await duck.runAndReadAll(`SELECT count(*)::INTEGER FROM read_csv('${file}', header = true, all_varchar = true, quote = '"', escape = '"', new_line = '\\n', strict_mode = true)`);
      expect(n.getRows()[0]?.[0]).toBe(p.stats.rows);
    }
    expect(await readBack(parts, 'rows')).toEqual(rows);
  });

  it('keeps NULL apart from empty string and CR/LF inside values (DuckDB read-back equals input)', async () => {
    const rows = rowsFixture(300);
    const parts = await collect(chunked(copyCsv(rows), [1, 3, 64, 5, 1000]), { maxRows: 1000, maxBytes: 1 << 30 });
    expect(parts).toHaveLength(1);
    const back = await readBack(parts, 'nulls');
    expect(back).toEqual(rows);
    const nulls = back.filter((r) => r[1] === null).length;
    const empties = back.filter((r) => r[1] === '').length;
    expect(nulls).toBeGreaterThan(0);
    expect(empties).toBeGreaterThan(0);
    expect(back.some((r) => r[1]?.includes('\r\n'))).toBe(true);
  });

  it('rolls over at maxBytes: no part exceeds it, and the next record would not have fitted', async () => {
    const rows = rowsFixture(400);
    const maxBytes = 700;
    const parts = await collect(chunked(copyCsv(rows), [11, 2, 300]), { maxRows: 1_000_000, maxBytes });
    expect(parts.length).toBeGreaterThan(5);
    const headerLen = Buffer.byteLength('id,body,amount\n');
    let seen = 0;
    for (const [i, p] of parts.entries()) {
      expect(p.raw.length).toBeLessThanOrEqual(maxBytes);
      const next = parts[i + 1];
      if (next) {
        // Length of the first record of the next part, taken from the input itself.
        const firstNext = copyCsv(rows.slice(seen + p.stats.rows, seen + p.stats.rows + 1)).length;
        expect(p.raw.length + firstNext).toBeGreaterThan(maxBytes);
      }
      // Each part is exactly the header plus its slice of the input records.
      expect(p.raw.subarray(headerLen).equals(copyCsv(rows.slice(seen, seen + p.stats.rows)))).toBe(true);
      seen += p.stats.rows;
    }
    expect(seen).toBe(400);
    expect(await readBack(parts, 'bytes')).toEqual(rows);
  });

  it('reports compressed bytes and the sha256 of the gzip bytes', async () => {
    const parts = await collect(chunked(copyCsv(rowsFixture(50)), [4096]), { maxRows: 20, maxBytes: 1 << 30 });
    for (const p of parts) {
      expect(p.stats.bytes).toBe(p.gz.length);
      expect(p.stats.sha256).toBe(createHash('sha256').update(p.gz).digest('hex'));
    }
    expect(parts.map((p) => p.stats.rows)).toEqual([20, 20, 10]);
  });

  it('puts a record larger than maxBytes alone in its own part', async () => {
    const rows: Row[] = [['1', 'small', null], ['2', 'x'.repeat(5000), '1.00'], ['3', 'small', '2.00']];
    const parts = await collect(chunked(copyCsv(rows), [100]), { maxRows: 10, maxBytes: 200 });
    expect(parts.map((p) => p.stats.rows)).toEqual([1, 1, 1]);
    expect(await readBack(parts, 'big')).toEqual(rows);
  });

  it('reads the source only as fast as the consumer drains the body (back-pressure)', async () => {
    // Incompressible records, so the gzip output is as large as the input and buffers fill up.
    const chunk = Buffer.from(Array.from({ length: 64 }, () => `${randomBytes(750).toString('base64')}\n`).join('')); // ~64 KB
    let pulled = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 10_000; i++) {
        pulled++;
        yield chunk;
      }
    }
    const parts = createCsvSerializer().serialize(schema, { encoding: 'csv', chunks: endless() }, { maxRows: 1e9, maxBytes: 1e12 })[Symbol.asyncIterator]();
    const first = (await parts.next()).value!;
    const body = first.body[Symbol.asyncIterator]();
    await body.next();
    await new Promise((r) => setTimeout(r, 200));
    // 10 000 chunks (640 MB) were on offer; only the gzip blocks in flight (3 × 1 MiB) and a few
    // stream buffers' worth (each holding one ~1 MiB member) were read.
    expect(pulled).toBeLessThan(160);
    await body.return?.();
    await parts.return?.(undefined);
    expect((await first.stats).isErr()).toBe(true);
  });

  it('writes one header-only part for zero rows', async () => {
    const parts = await collect(chunked(Buffer.alloc(0), [10]), { maxRows: 10, maxBytes: 1000 });
    expect(parts).toHaveLength(1);
    expect(parts[0]?.stats.rows).toBe(0);
    expect(parts[0]?.raw.toString()).toBe('id,body,amount\n');
  });

  it('fails the part with a serialize error when the input stops inside a quoted field', async () => {
    const bytes = Buffer.from('1,"unterminated\nstill inside', 'utf8');
    const ser = createCsvSerializer();
    const kinds: string[] = [];
    for await (const part of ser.serialize(schema, { encoding: 'csv', chunks: chunked(bytes, [5]) }, { maxRows: 10, maxBytes: 1000 })) {
      await expect(async () => {
        for await (const _ of part.body) void _;
      }).rejects.toBeDefined();
      const stats = await part.stats;
      kinds.push(stats.isErr() ? stats.error.kind : 'ok');
    }
    expect(kinds).toEqual(['serialize']);
  });
});
