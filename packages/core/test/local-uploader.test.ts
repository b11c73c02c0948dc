import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCsvSerializer, createLocalUploader, type Manifest, type ManifestFile, type RunLocation, type SerializedPart, type TableSchema } from '../src/index.js';

const schema: TableSchema = {
  schema: 'public',
  name: 'sales',
  primaryKey: ['id'],
  columns: [
    { name: 'id', pgType: 'integer', baseType: 'int4', isArray: false, nullable: false },
    { name: 'note', pgType: 'text', baseType: 'text', isArray: false, nullable: true },
  ],
};

async function* once(bytes: Buffer): AsyncGenerator<Uint8Array> {
  yield bytes;
}

function parts(from: number, n: number, perPart: number): AsyncIterable<SerializedPart> {
  const text = Array.from({ length: n }, (_, i) => `${from + i},"note ${from + i}\nsecond line"\n`).join('');
  return createCsvSerializer().serialize(schema, { encoding: 'csv', chunks: once(Buffer.from(text)) }, { maxRows: perPart, maxBytes: 1 << 30 });
}

function manifestFor(run: RunLocation, files: readonly ManifestFile[]): Manifest {
  return {
    version: 1,
    runId: run.runId,
    table: run.table,
    format: 'csv',
    compression: 'gzip',
    window: { kind: 'full' },
    partitionDate: run.partitionDate,
    files,
    rows: files.reduce((a, f) => a + f.rows, 0),
    bytes: files.reduce((a, f) => a + f.bytes, 0),
    schema,
    startedAt: '2026-11-26T10:00:00.000Z',
    finishedAt: '2026-11-26T10:00:01.000Z',
    floeVersion: '0.1.0',
  };
}

async function listTree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() || e.isSymbolicLink())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floe-local-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createLocalUploader', () => {
  const runA: RunLocation = { table: 'sales', partitionDate: '2026-11-25', runId: '20261126T101500123Z-3f9a1c2e' };
  const runB: RunLocation = { table: 'sales', partitionDate: '2026-11-25', runId: '20261126T121500000Z-11111111' };

  it('stages, then publishes with the S3 layout and the manifest last; bytes and rows intact', async () => {
    const up = createLocalUploader({ dir: join(dir, 'out') });
    const files: ManifestFile[] = [];
    for await (const part of parts(1, 25, 10)) files.push((await up.putPart(runA, part))._unsafeUnwrap());
    expect(await listTree(join(dir, 'out'))).toEqual([0, 1, 2].map((i) => `_staging/sales/run=${runA.runId}/part-0000${i}.csv.gz`));

    expect((await up.publish(runA, manifestFor(runA, files))).isOk()).toBe(true);
    const runDir = `sales/dt=2026-11-25/run=${runA.runId}`;
    expect(await listTree(join(dir, 'out'))).toEqual([`${runDir}/_manifest.json`, ...[0, 1, 2].map((i) => `${runDir}/part-0000${i}.csv.gz`)]);
    let rows = 0;
    for (const f of files) {
      const bytes = await readFile(join(dir, 'out', ...f.key.split('/')));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(f.sha256);
      const text = gunzipSync(bytes).toString();
      expect(text.startsWith('id,note\n')).toBe(true);
      rows += f.rows;
    }
    expect(files.map((f) => f.rows)).toEqual([10, 10, 5]);
    expect(rows).toBe(25);
    const manifest = JSON.parse(await readFile(join(dir, 'out', runDir, '_manifest.json'), 'utf8')) as Manifest;
    expect(manifest.files).toEqual(files);
  });

  it('keeps two runs of a day, lists them oldest first, and never overwrites a published run', async () => {
    const up = createLocalUploader({ dir: join(dir, 'out') });
    const filesB: ManifestFile[] = [];
    for await (const part of parts(100, 3, 10)) filesB.push((await up.putPart(runB, part))._unsafeUnwrap());
    expect((await up.publish(runB, manifestFor(runB, filesB))).isOk()).toBe(true);
    expect((await up.listManifests('sales', '2026-11-25'))._unsafeUnwrap().map((m) => [m.runId, m.rows])).toEqual([
      [runA.runId, 25],
      [runB.runId, 3],
    ]);
    expect((await up.listManifests('sales'))._unsafeUnwrap()).toHaveLength(2);
    expect((await up.listManifests('nothing'))._unsafeUnwrap()).toEqual([]);

    const before = await readFile(join(dir, 'out', filesB[0]!.key));
    const again: ManifestFile[] = [];
    for await (const part of parts(999, 2, 10)) again.push((await up.putPart(runB, part))._unsafeUnwrap());
    const e = (await up.publish(runB, manifestFor(runB, again)))._unsafeUnwrapErr();
    expect(e.kind).toBe('upload');
    expect((await readFile(join(dir, 'out', filesB[0]!.key))).equals(before)).toBe(true);
    expect((await up.discard(runB)).isOk()).toBe(true);
    expect(existsSync(join(dir, 'out', '_staging', 'sales', `run=${runB.runId}`))).toBe(false);
    expect(existsSync(join(dir, 'out', filesB[0]!.key))).toBe(true);
  });

  // /dev/full answers every write with ENOSPC: a real full disk, without filling one.
  it.skipIf(!existsSync('/dev/full'))('reports ENOSPC as disk_full (skipped where there is no /dev/full)', async () => {
    const root = join(dir, 'full');
    const run: RunLocation = { table: 'sales', partitionDate: '2026-11-25', runId: '20261126T101500123Z-deadbeef' };
    await mkdir(join(root, '_staging', 'sales', `run=${run.runId}`), { recursive: true });
    await symlink('/dev/full', join(root, '_staging', 'sales', `run=${run.runId}`, 'part-00000.csv.gz'));
    const up = createLocalUploader({ dir: root });
    const kinds: string[] = [];
    for await (const part of parts(1, 5, 10)) kinds.push((await up.putPart(run, part))._unsafeUnwrapErr().kind);
    expect(kinds).toEqual(['disk_full']);
  });
});
