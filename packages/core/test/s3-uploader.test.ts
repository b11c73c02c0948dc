import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { freePort, startS3, type LocalS3, type S3ObjectEvent } from '@floe/testkit';
import { createHash, randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { ok } from 'neverthrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCsvSerializer,
  createS3Client,
  createS3Uploader,
  createS3WatermarkStore,
  type Manifest,
  type ManifestFile,
  type RunLocation,
  type SerializedPart,
  type TableSchema,
} from '../src/index.js';

const BUCKET = 'floe-data';
const schema: TableSchema = {
  schema: 'public',
  name: 'sales',
  primaryKey: ['id'],
  columns: [
    { name: 'id', pgType: 'integer', baseType: 'int4', isArray: false, nullable: false },
    { name: 'price', pgType: 'numeric(10,2)', baseType: 'numeric', isArray: false, nullable: true, precision: 10, scale: 2 },
  ],
};

let s3: LocalS3;
let client: S3Client;
const events: S3ObjectEvent[] = [];

beforeAll(async () => {
  s3 = await startS3({ buckets: [BUCKET] });
  client = createS3Client({ region: s3.region, endpoint: s3.endpoint, forcePathStyle: true, credentials: s3.credentials });
  s3.onEvent((e) => events.push(e));
});
afterAll(async () => {
  client.destroy();
  await s3.stop();
});

async function* once(bytes: Buffer): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/** Serializes `n` rows (ids from `from`) into CSV parts of `perPart` rows each. */
async function* csvParts(from: number, n: number, perPart: number): AsyncGenerator<SerializedPart> {
  const text = Array.from({ length: n }, (_, i) => `${from + i},${from + i}.99\n`).join('');
  yield* createCsvSerializer().serialize(schema, { encoding: 'csv', chunks: once(Buffer.from(text)) }, { maxRows: perPart, maxBytes: 1 << 30 });
}

async function getBytes(key: string): Promise<Buffer> {
  const res = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await res.Body!.transformToByteArray());
}

async function listAll(prefix = ''): Promise<string[]> {
  const res = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (res.Contents ?? []).map((o) => o.Key ?? '').sort();
}

function manifestFor(run: RunLocation, files: readonly ManifestFile[]): Manifest {
  return {
    version: 1,
    runId: run.runId,
    table: run.table,
    format: 'csv',
    compression: 'gzip',
    window: { kind: 'day', column: 'orderdate', date: run.partitionDate, timeZone: 'UTC' },
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

/** Uploads every part and publishes, like runExtract does. */
async function deliver(uploader: ReturnType<typeof createS3Uploader>, run: RunLocation, parts: AsyncIterable<SerializedPart>) {
  const files: ManifestFile[] = [];
  for await (const part of parts) files.push((await uploader.putPart(run, part))._unsafeUnwrap());
  return { files, published: await uploader.publish(run, manifestFor(run, files)) };
}

describe('createS3Uploader against s3rver', () => {
  const uploader = () => createS3Uploader({ client, bucket: BUCKET, prefix: 'exports/' });
  const runA: RunLocation = { table: 'sales', partitionDate: '2026-11-25', runId: '20261126T101500123Z-3f9a1c2e' };
  const runB: RunLocation = { table: 'sales', partitionDate: '2026-11-25', runId: '20261126T111500456Z-0badf00d' };

  it('stages parts outside the pipe path, publishes them under run=<id>/ and writes the manifest last', async () => {
    events.length = 0;
    const up = uploader();
    const files: ManifestFile[] = [];
    for await (const part of csvParts(1, 250, 100)) {
      const file = (await up.putPart(runA, part))._unsafeUnwrap();
      const stats = (await part.stats)._unsafeUnwrap();
      expect(file.sha256).toBe(stats.sha256);
      files.push(file);
    }
    // Before publish only staging objects exist.
    expect(await listAll('exports/sales/')).toEqual([]);
    expect(await listAll('exports/_staging/')).toEqual([0, 1, 2].map((i) => `exports/_staging/sales/run=${runA.runId}/part-0000${i}.csv.gz`));

    const published = await up.publish(runA, manifestFor(runA, files));
    expect(published.isOk()).toBe(true);
    const dir = `exports/sales/dt=2026-11-25/run=${runA.runId}`;
    expect(await listAll('exports/')).toEqual([`${dir}/_manifest.json`, `${dir}/part-00000.csv.gz`, `${dir}/part-00001.csv.gz`, `${dir}/part-00002.csv.gz`]);
    expect(files.map((f) => f.key)).toEqual([0, 1, 2].map((i) => `${dir}/part-0000${i}.csv.gz`));

    // Bytes read back are the bytes written; the rows are all there.
    let ids: number[] = [];
    for (const f of files) {
      const bytes = await getBytes(f.key);
      expect(bytes.length).toBe(f.bytes);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(f.sha256);
      const lines = gunzipSync(bytes).toString().trimEnd().split('\n');
      expect(lines[0]).toBe('id,price');
      ids = ids.concat(lines.slice(1).map((l) => Number(l.split(',')[0])));
      const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: f.key }));
      expect(head.ContentType).toBe('text/csv');
      expect(head.ContentEncoding).toBe('gzip');
    }
    expect(ids).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect(files.map((f) => f.rows)).toEqual([100, 100, 50]);

    // The manifest is the last object created under the published folder.
    const created = events.filter((e) => e.eventName.startsWith('ObjectCreated') && e.key.startsWith(`${dir}/`)).map((e) => e.key);
    expect(created).toHaveLength(4);
    expect(created.at(-1)).toBe(`${dir}/_manifest.json`);
    const manifest = JSON.parse((await getBytes(`${dir}/_manifest.json`)).toString()) as Manifest;
    expect(manifest.files).toEqual(files);
    expect(manifest.rows).toBe(250);
  });

  it('keeps two runs of the same day side by side and lists their manifests oldest first', async () => {
    const up = uploader();
    const { published } = await deliver(up, runB, csvParts(1000, 10, 100));
    expect(published.isOk()).toBe(true);
    const day = (await up.listManifests('sales', '2026-11-25'))._unsafeUnwrap();
    expect(day.map((m) => [m.runId, m.rows])).toEqual([
      [runA.runId, 250],
      [runB.runId, 10],
    ]);
    expect((await up.listManifests('sales'))._unsafeUnwrap().map((m) => m.runId)).toEqual([runA.runId, runB.runId]);
    expect((await up.listManifests('sales', '2026-11-24'))._unsafeUnwrap()).toEqual([]);
    expect((await listAll('exports/sales/dt=2026-11-25/')).filter((k) => k.endsWith('_manifest.json'))).toHaveLength(2);
  });

  it('never overwrites a published run', async () => {
    const up = uploader();
    const before = await getBytes(`exports/sales/dt=2026-11-25/run=${runA.runId}/part-00000.csv.gz`);
    const files: ManifestFile[] = [];
    for await (const part of csvParts(5000, 3, 100)) files.push((await up.putPart(runA, part))._unsafeUnwrap());
    const again = await up.publish(runA, manifestFor(runA, files));
    expect(again._unsafeUnwrapErr().kind).toBe('upload');
    expect(again._unsafeUnwrapErr().message).toContain('already published');
    expect((await getBytes(`exports/sales/dt=2026-11-25/run=${runA.runId}/part-00000.csv.gz`)).equals(before)).toBe(true);
    // discard removes what this attempt staged, and nothing published.
    expect((await up.discard(runA)).isOk()).toBe(true);
    expect(await listAll('exports/_staging/')).toEqual([]);
    expect(await listAll(`exports/sales/dt=2026-11-25/run=${runA.runId}/`)).toHaveLength(4);
  });

  it('streams a multipart upload (12 MiB, 3 parts) and stores it byte for byte', async () => {
    const up = createS3Uploader({ client, bucket: BUCKET, prefix: 'big', partSizeBytes: 5 * 1024 * 1024, queueSize: 2 });
    const data = randomBytes(12 * 1024 * 1024);
    const sha = createHash('sha256').update(data).digest('hex');
    async function* body() {
      for (let i = 0; i < data.length; i += 65536) yield data.subarray(i, i + 65536);
    }
    const part: SerializedPart = { index: 0, extension: 'parquet', contentType: 'application/vnd.apache.parquet', body: body(), stats: Promise.resolve(ok({ rows: 1, bytes: data.length, sha256: sha })) };
    const run: RunLocation = { table: 'blob', partitionDate: '2026-11-25', runId: '20261126T101500123Z-00000001' };
    const file = (await up.putPart(run, part))._unsafeUnwrap();
    expect(file).toEqual({ key: `big/blob/dt=2026-11-25/run=${run.runId}/part-00000.parquet`, rows: 1, bytes: data.length, sha256: sha });
    const stored = await getBytes(`big/_staging/blob/run=${run.runId}/part-00000.parquet`);
    expect(stored.length).toBe(data.length);
    expect(createHash('sha256').update(stored).digest('hex')).toBe(sha);
  });

  it('reports a missing bucket as bucket_missing, naming it', async () => {
    const up = createS3Uploader({ client, bucket: 'no-such-bucket', prefix: 'x' });
    let res: Awaited<ReturnType<typeof up.putPart>> | undefined;
    for await (const part of csvParts(1, 1, 10)) res = await up.putPart({ table: 'sales', partitionDate: '2026-11-25', runId: '20261126T101500123Z-00000002' }, part);
    if (res === undefined) throw new Error('the serializer produced no part');
    const e = res._unsafeUnwrapErr();
    expect(e.kind).toBe('bucket_missing');
    expect(e.message).toContain("'no-such-bucket'");
    expect(e.hint).toContain('storage.bucket');
    const listed = await up.listManifests('sales');
    expect(listed._unsafeUnwrapErr().kind).toBe('bucket_missing');
  });

  it('reports credentials s3rver does not know as storage_auth, without the secret', async () => {
    const secret = 'not-the-right-secret-9f8e7d';
    const wrong = createS3Client({ region: s3.region, endpoint: s3.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'AKIDWRONG', secretAccessKey: secret }, maxAttempts: 1 });
    const e = (await createS3Uploader({ client: wrong, bucket: BUCKET, prefix: 'exports' }).listManifests('sales'))._unsafeUnwrapErr();
    expect(e.kind).toBe('storage_auth');
    expect(e.message).toContain('InvalidAccessKeyId');
    expect(`${e.message}${e.hint}`).not.toContain(secret);
    wrong.destroy();
  });

  it('reports a refused connection as storage_unreachable', async () => {
    const port = await freePort();
    const dead = createS3Client({ region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, forcePathStyle: true, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'dead-secret-123' }, maxAttempts: 1 });
    const res = await createS3Uploader({ client: dead, bucket: BUCKET, prefix: '' }).listManifests('sales');
    const e = res._unsafeUnwrapErr();
    expect(e.kind).toBe('storage_unreachable');
    expect(e.message).toContain('ECONNREFUSED');
    dead.destroy();
  });
});

describe('createS3WatermarkStore against s3rver', () => {
  it('returns null before the first run, then what was set, stored next to the data', async () => {
    const store = createS3WatermarkStore({ client: () => client, bucket: BUCKET, prefix: 'exports' });
    expect((await store.get('orders'))._unsafeUnwrap()).toBeNull();
    const wm = { column: 'updated_at', value: '2026-11-25 23:59:59.123456+00:00' };
    expect((await store.set('orders', wm, '20261126T101500123Z-3f9a1c2e')).isOk()).toBe(true);
    expect((await store.get('orders'))._unsafeUnwrap()).toEqual(wm);
    const doc = JSON.parse((await getBytes('exports/orders/_watermark.json')).toString()) as { runId: string };
    expect(doc.runId).toBe('20261126T101500123Z-3f9a1c2e');
  });

  it('refuses a watermark document it did not write', async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'exports/broken/_watermark.json', Body: '{"nope":1}' }));
    const store = createS3WatermarkStore({ client, bucket: BUCKET, prefix: 'exports' });
    expect((await store.get('broken'))._unsafeUnwrapErr().object).toBe('s3://floe-data/exports/broken/_watermark.json');
  });
});
