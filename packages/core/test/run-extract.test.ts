import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { createSalesTable, loadGeneratedSales, SALES_TABLE } from '@floe/example-sales';
import { startPostgres, startS3, type LocalPostgres, type LocalS3, type S3ObjectEvent } from '@floe/testkit';
import { errAsync } from 'neverthrow';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createCsvSerializer,
  createFileWatermarkStore,
  createMemoryWatermarkStore,
  createPostgresExtractor,
  createS3Client,
  createS3Uploader,
  floeError,
  runExtract,
  type ExtractJob,
  type Manifest,
  type Uploader,
} from '../src/index.js';

const BUCKET = 'floe-runs';
let db: LocalPostgres;
let url: string;
let admin: pg.Client;
let s3: LocalS3;
let client: S3Client;
let dir: string;
const events: S3ObjectEvent[] = [];
let prefixCounter = 0;
let prefix = '';

beforeAll(async () => {
  [db, s3] = await Promise.all([startPostgres(), startS3({ buckets: [BUCKET] })]);
  url = await db.createDatabase('runs');
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await createSalesTable(admin);
  (await loadGeneratedSales(admin))._unsafeUnwrap();
  client = createS3Client({ region: s3.region, endpoint: s3.endpoint, forcePathStyle: true, credentials: s3.credentials });
  s3.onEvent((e) => events.push(e));
  dir = await mkdtemp(join(tmpdir(), 'floe-run-'));
});
afterAll(async () => {
  client?.destroy();
  await admin?.end();
  await Promise.all([db?.stop(), s3?.stop()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  // Each test writes under its own prefix so listings never see another test's objects.
  prefix = `t${++prefixCounter}`;
  events.length = 0;
});

async function keys(under: string): Promise<string[]> {
  const out = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: under }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}
async function bytesOf(key: string): Promise<Buffer> {
  const out = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function job(overrides: Partial<ExtractJob> = {}): ExtractJob {
  return {
    table: 'sales',
    extractor: createPostgresExtractor({ connection: { connectionString: url }, table: { schema: 'public', name: 'sales' } }),
    serializer: createCsvSerializer(),
    uploader: createS3Uploader({ client, bucket: BUCKET, prefix }),
    ...overrides,
  };
}
const DAY = { kind: 'day', column: 'orderdate', date: '2005-05-31', timeZone: 'UTC' } as const;

describe('runExtract: day windows', () => {
  it('the example\'s SALES_TABLE descriptor is what the catalog says', async () => {
    expect((await job().extractor.describe())._unsafeUnwrap()).toEqual(SALES_TABLE);
  });


  it('publishes the parts then the manifest last; the data read back matches PostgreSQL', async () => {
    const expected = await admin.query(`SELECT count(*)::int AS n, sum(sales)::text AS s FROM sales WHERE orderdate::date = '2005-05-31'`);
    const phases: string[] = [];
    const report = (await runExtract(job({ onProgress: (p) => phases.push(p.phase) }), DAY))._unsafeUnwrap();
    expect(report.runId).toMatch(/^\d{8}T\d{9}Z-[0-9a-f]{8}$/);
    expect(report.partitionDate).toBe('2005-05-31');
    expect(report.rows).toBe(expected.rows[0].n);
    const runDir = `${prefix}/sales/dt=2005-05-31/run=${report.runId}`;
    expect(await keys(`${prefix}/`)).toEqual([`${runDir}/_manifest.json`, `${runDir}/part-00000.csv.gz`]);
    expect(report.manifestKey).toBe(`${runDir}/_manifest.json`);
    // The manifest is the last object created under the run (Snowpipe and readers rely on it).
    const created = events.filter((e) => e.eventName.startsWith('ObjectCreated') && e.key.startsWith(`${runDir}/`));
    expect(created.at(-1)?.key).toBe(`${runDir}/_manifest.json`);
    const manifest = JSON.parse((await bytesOf(report.manifestKey)).toString('utf8')) as Manifest;
    expect(manifest).toMatchObject({ version: 1, runId: report.runId, table: 'sales', format: 'csv', compression: 'gzip', rows: report.rows, partitionDate: '2005-05-31', floeVersion: '0.1.0' });
    expect(manifest.schema.columns.map((c) => c.name)).toContain('sales');
    const part = await bytesOf(`${runDir}/part-00000.csv.gz`);
    expect(manifest.files).toEqual([{ key: `${runDir}/part-00000.csv.gz`, rows: report.rows, bytes: part.length, sha256: sha256(part) }]);
    const lines = gunzipSync(part).toString('utf8').trimEnd().split('\n');
    expect(lines.length).toBe(report.rows + 1);
    const salesIndex = lines[0]!.split(',').indexOf('sales');
    // Exact cents: sum as integers, never floats.
    const cents = lines.slice(1).reduce((acc, l) => acc + BigInt(l.split(',')[salesIndex]!.replace('.', '')), 0n);
    expect(`${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`).toBe(expected.rows[0].s);
    expect(phases[0]).toBe('extracting');
    expect(phases.slice(-2)).toEqual(['publishing', 'done']);
  });

  it('re-running the same day yields a second complete run with identical part bytes', async () => {
    const a = (await runExtract(job(), DAY))._unsafeUnwrap();
    const b = (await runExtract(job(), DAY))._unsafeUnwrap();
    expect(a.runId).not.toBe(b.runId);
    expect(b.files.map((f) => f.sha256)).toEqual(a.files.map((f) => f.sha256));
    const manifests = (await createS3Uploader({ client, bucket: BUCKET, prefix }).listManifests('sales', '2005-05-31'))._unsafeUnwrap();
    expect(manifests.map((m) => m.runId)).toEqual([a.runId, b.runId].sort());
  });

  it('splits into several parts at the bounds, rows add up', async () => {
    const report = (await runExtract(job({ bounds: { maxRows: 7 } }), DAY))._unsafeUnwrap();
    expect(report.files.length).toBe(Math.ceil(report.rows / 7));
    expect(report.files.reduce((n, f) => n + f.rows, 0)).toBe(report.rows);
    expect((await keys(`${prefix}/`)).filter((k) => k.endsWith('.csv.gz'))).toHaveLength(report.files.length);
  });
});

describe('runExtract: failures publish nothing', () => {
  it('a part upload failing mid-run: staged parts discarded, no manifest', async () => {
    const real = createS3Uploader({ client, bucket: BUCKET, prefix });
    let calls = 0;
    const flaky: Uploader = { ...real, putPart: (run, part) => (++calls === 2 ? errAsync(floeError('upload', 'injected failure', 'none')) : real.putPart(run, part)) };
    const r = await runExtract(job({ uploader: flaky, bounds: { maxRows: 1 } }), DAY);
    expect(r._unsafeUnwrapErr().message).toBe('injected failure');
    expect(calls).toBe(2);
    expect(await keys(`${prefix}/`)).toEqual([]);
  });

  it('an unknown table: typed error, nothing written', async () => {
    const extractor = createPostgresExtractor({ connection: { connectionString: url }, table: { schema: 'public', name: 'nope' } });
    expect((await runExtract(job({ extractor }), DAY))._unsafeUnwrapErr().kind).toBe('unknown_table');
    expect(await keys(`${prefix}/`)).toEqual([]);
  });

  it('abort after the first part: kind aborted, nothing published, staging cleaned', async () => {
    const ac = new AbortController();
    const r = await runExtract(job({ bounds: { maxRows: 3 }, signal: ac.signal, onProgress: (p) => p.parts === 1 && ac.abort() }), DAY);
    expect(r._unsafeUnwrapErr().kind).toBe('aborted');
    expect(await keys(`${prefix}/`)).toEqual([]);
  });

  it('a cursor window without a watermark store is a config error', async () => {
    expect((await runExtract(job(), { kind: 'cursor', column: 'updated_at', after: null }))._unsafeUnwrapErr().kind).toBe('config');
  });
});

describe('runExtract: cursor windows and watermarks', () => {
  const CURSOR = { kind: 'cursor', column: 'updated_at', after: null } as const;

  it('moves the watermark only after publish; boundary rows neither lost nor duplicated', async () => {
    await admin.query(`UPDATE sales SET updated_at = '2026-01-01 00:00:00+00'`);
    const store = createMemoryWatermarkStore();
    const firstResult = await runExtract(job({ watermarks: store }), CURSOR);
    if (firstResult.isErr()) throw new Error(JSON.stringify(firstResult.error));
    const first = firstResult.value;
    expect(first.rows).toBe(2823);
    expect(first.watermark).toEqual({ from: null, to: { column: 'updated_at', value: '2026-01-01 00:00:00.000000+00:00' } });
    expect((await store.get('sales'))._unsafeUnwrap()).toEqual(first.watermark?.to);

    // One order changes 1 µs after the watermark.
    const changed = await admin.query(`UPDATE sales SET updated_at = '2026-01-01 00:00:00.000001+00' WHERE ordernumber = 10100`);
    const second = (await runExtract(job({ watermarks: store }), CURSOR))._unsafeUnwrap();
    expect(second.rows).toBe(changed.rowCount);
    expect(second.watermark?.to?.value).toBe('2026-01-01 00:00:00.000001+00:00');

    // A publish failure: the error comes back and the watermark stays where it was.
    const more = await admin.query(`UPDATE sales SET updated_at = '2026-01-02 00:00:00+00' WHERE ordernumber = 10101`);
    const real = createS3Uploader({ client, bucket: BUCKET, prefix });
    const failing: Uploader = { ...real, publish: () => errAsync(floeError('upload', 'injected publish failure', 'none')) };
    expect((await runExtract(job({ watermarks: store, uploader: failing }), CURSOR))._unsafeUnwrapErr().message).toBe('injected publish failure');
    expect((await store.get('sales'))._unsafeUnwrap()?.value).toBe('2026-01-01 00:00:00.000001+00:00');

    // The next good run picks those rows up: nothing lost.
    const third = (await runExtract(job({ watermarks: store }), CURSOR))._unsafeUnwrap();
    expect(third.rows).toBe(more.rowCount);
    expect(third.watermark).toEqual({ from: { column: 'updated_at', value: '2026-01-01 00:00:00.000001+00:00' }, to: { column: 'updated_at', value: '2026-01-02 00:00:00.000000+00:00' } });

    // Nothing new: an empty run, the watermark does not move.
    const fourth = (await runExtract(job({ watermarks: store }), CURSOR))._unsafeUnwrap();
    expect(fourth.rows).toBe(0);
    expect(fourth.watermark?.to).toBeNull();
    expect((await store.get('sales'))._unsafeUnwrap()?.value).toBe('2026-01-02 00:00:00.000000+00:00');
    const manifests = (await real.listManifests('sales'))._unsafeUnwrap();
    expect(manifests.map((m) => m.rows)).toEqual([2823, changed.rowCount, more.rowCount, 0]);
  });

  it('file watermark store: survives a new store instance, written atomically', async () => {
    const path = join(dir, 'state', 'watermarks.json');
    await admin.query(`UPDATE sales SET updated_at = '2026-02-01 00:00:00+00'`);
    const first = (await runExtract(job({ watermarks: createFileWatermarkStore(path) }), CURSOR))._unsafeUnwrap();
    const reopened = createFileWatermarkStore(path);
    expect((await reopened.get('sales'))._unsafeUnwrap()).toEqual(first.watermark?.to);
    expect((await reopened.get('other'))._unsafeUnwrap()).toBeNull();
    const onDisk = JSON.parse(await readFile(path, 'utf8'));
    expect(onDisk.tables.sales.runId).toBe(first.runId);
    const second = (await runExtract(job({ watermarks: reopened }), CURSOR))._unsafeUnwrap();
    expect(second.rows).toBe(0);
  });
});
