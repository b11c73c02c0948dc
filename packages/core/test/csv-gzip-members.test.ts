import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gzipMembers } from '../src/csv/gzip-members.js';

async function* pieces(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let p = 0; p < bytes.length; p += size) yield bytes.subarray(p, p + size);
}

async function gzipAll(bytes: Buffer, size: number, blockBytes: number, concurrency: number): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const m of gzipMembers(pieces(bytes, size), { level: 6, blockBytes, concurrency })) out.push(m);
  return out;
}

// Lines that differ from one another, so a reordered member would change the output.
const text = Buffer.from(Array.from({ length: 20_000 }, (_, i) => `${i},"customer ${i % 97}",${(i * 7919) % 100_000}.${String(i % 100).padStart(2, '0')}\n`).join(''));

describe('gzipMembers', () => {
  it('emits members in input order: concatenated they gunzip to the input, for any block size and concurrency', async () => {
    for (const [size, blockBytes, concurrency] of [[1000, 4096, 3], [65536, 10_000, 1], [7, 1 << 20, 2], [text.length, 50_000, 8]] as const) {
      const members = await gzipAll(text, size, blockBytes, concurrency);
      // Each member holds exactly one block of input (the last one the rest), wherever the pieces end.
      const sizes = members.map((m) => gunzipSync(m).length);
      for (const s of sizes.slice(0, -1)) expect(s).toBe(blockBytes);
      expect(sizes.at(-1)).toBe(text.length - blockBytes * (members.length - 1));
      expect(sizes.at(-1)).toBeGreaterThan(0);
      expect(gunzipSync(Buffer.concat(members)).equals(text)).toBe(true);
    }
  });

  it('copies what it keeps: the producer may overwrite a piece once the next is asked for', async () => {
    // One buffer, refilled for every piece, as a decoder reusing its buffers would.
    async function* reused(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
      const scratch = Buffer.alloc(size);
      for (let p = 0; p < bytes.length; p += size) {
        const n = bytes.copy(scratch, 0, p, p + size);
        yield scratch.subarray(0, n);
        scratch.fill(0x58);
      }
    }
    for (const [size, blockBytes, concurrency] of [[1000, 4096, 3], [7, 50_000, 2], [65_536, 10_000, 1]] as const) {
      const out: Buffer[] = [];
      for await (const m of gzipMembers(reused(text, size), { level: 1, blockBytes, concurrency })) out.push(m);
      expect(gunzipSync(Buffer.concat(out)).equals(text)).toBe(true);
    }
  });

  it('gives a valid (empty) gzip file for an empty input', async () => {
    const members = await gzipAll(Buffer.alloc(0), 10, 1024, 3);
    expect(members).toHaveLength(1);
    expect(gunzipSync(Buffer.concat(members)).length).toBe(0);
  });

  it('writes a multi-member file that DuckDB reads whole, as Snowflake does', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'floe-gzm-'));
    try {
      const members = await gzipAll(text, 4096, 8192, 3);
      expect(members.length).toBeGreaterThan(50);
      const file = join(dir, 'part-00000.csv.gz');
      await writeFile(file, Buffer.concat(members));
      const conn = await (await DuckDBInstance.create(':memory:')).connect();
      const [[rows, last]] = (await conn.runAndReadAll(`SELECT count(*)::INT, max(column0)::INT FROM read_csv('${file}', header = false, columns = {'column0': 'INTEGER', 'column1': 'VARCHAR', 'column2': 'DECIMAL(10,2)'})`)).getRows() as [[number, number]];
      conn.closeSync();
      expect([rows, last]).toEqual([20_000, 19_999]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
