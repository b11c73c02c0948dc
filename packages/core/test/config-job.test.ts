import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { startPostgres, startS3, type LocalPostgres, type LocalS3 } from '@floe/testkit';
import type { Result } from 'neverthrow';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type FloeConfig } from '../src/config/config-load.js';
import { createTableJob } from '../src/config/table-job.js';
import { previousDate, windowFor } from '../src/config/table-window.js';
import { formatError, type FloeError } from '../src/errors.js';
import { runExtract } from '../src/run/run-extract.js';

function unwrap<T>(r: Result<T, FloeError>): T {
  if (r.isErr()) throw new Error(formatError(r.error));
  return r.value;
}

const TABLES = [
  { name: 'sales', source: { table: 'sales' }, window: { kind: 'day', column: 'orderdate', timeZone: 'UTC' }, primaryKey: ['ordernumber', 'orderlinenumber'] },
  { name: 'sales_feed', source: { query: 'select ordernumber, orderlinenumber, sales, orderdate from sales' }, window: { kind: 'cursor', column: 'orderdate' } },
];

describe('windowFor and previousDate', () => {
  const config = unwrap(parseConfig({ source: { url: 'postgres://u@h/d' }, tables: TABLES, storage: { kind: 'local', dir: 'out' } }, {}));

  it('builds a day window in the table zone, or a cursor window', () => {
    expect(unwrap(windowFor(config, 'sales', { date: '2005-05-31' }))).toEqual({ kind: 'day', column: 'orderdate', date: '2005-05-31', timeZone: 'UTC' });
    expect(unwrap(windowFor(config, 'sales_feed', {}))).toEqual({ kind: 'cursor', column: 'orderdate', after: null });
    expect(unwrap(windowFor(config, 'sales_feed', { cursor: '2005-05-30 00:00:00' }))).toEqual({ kind: 'cursor', column: 'orderdate', after: { column: 'orderdate', value: '2005-05-30 00:00:00' } });
  });

  it('refuses a selection that does not fit the table', () => {
    expect(windowFor(config, 'sales', {})._unsafeUnwrapErr().kind).toBe('bad_window');
    expect(windowFor(config, 'sales', { date: '2005-02-30' })._unsafeUnwrapErr().message).toContain('not a calendar date');
    expect(windowFor(config, 'sales_feed', { date: '2005-05-31' })._unsafeUnwrapErr().kind).toBe('bad_window');
    expect(windowFor(config, 'orders', { date: '2005-05-31' })._unsafeUnwrapErr().kind).toBe('config');
  });

  it('yesterday is taken in the given zone', () => {
    const now = new Date('2026-11-26T23:30:00Z'); // already 27 November in Paris
    expect(previousDate('UTC', now)).toBe('2026-11-25');
    expect(previousDate('Europe/Paris', now)).toBe('2026-11-26');
    expect(previousDate('UTC', new Date('2024-03-01T10:00:00Z'))).toBe('2024-02-29');
  });
});

describe('createTableJob: a configured table runs end to end', () => {
  let pgServer: LocalPostgres;
  let s3: LocalS3;
  let dir: string;
  let env: Record<string, string>;
  let url: string;

  beforeAll(async () => {
    pgServer = await startPostgres();
    await pgServer.createDatabase('shop');
    s3 = await startS3({ buckets: ['floe-jobs'] });
    dir = await mkdtemp(join(tmpdir(), 'floe-job-'));
    // The config URL carries no password: it comes from PGPASSWORD, as in production.
    url = `postgres://${pgServer.user}@${pgServer.host}:${pgServer.port}/shop`;
    env = { PGPASSWORD: pgServer.password };
    const client = new pg.Client({ connectionString: pgServer.url('shop') });
    await client.connect();
    await client.query(`create table sales (
      ordernumber int not null, orderlinenumber int not null, sales numeric(10,2) not null,
      orderdate timestamp not null, territory text, primary key (ordernumber, orderlinenumber))`);
    await client.query(`insert into sales values
      (10425, 1, 4838.01, '2005-05-31 00:00', 'EMEA'),
      (10425, 2, 1234567.89, '2005-05-31 00:00', 'NA'),
      (10426, 1, 0.10, '2005-05-31 00:00', null),
      (10424, 1, 99.99, '2005-05-30 00:00', '')`);
    await client.end();
  });

  afterAll(async () => {
    await pgServer?.stop();
    await s3?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const configFor = (storage: Record<string, unknown>): FloeConfig => unwrap(parseConfig({ source: { url }, tables: TABLES, storage }, env));

  it('extracts one day to a local folder, money and NA exact', async () => {
    const config = configFor({ kind: 'local', dir });
    const job = unwrap(await createTableJob(config, 'sales', { runId: '20261126T101500123Z-3f9a1c2e' }));
    const report = unwrap(await runExtract(job, unwrap(windowFor(config, 'sales', { date: '2005-05-31' }))));
    expect(report.rows).toBe(3);
    expect(report.files).toHaveLength(1);
    expect(report.files[0]?.key).toBe('sales/dt=2005-05-31/run=20261126T101500123Z-3f9a1c2e/part-00000.csv.gz');
    const csv = gunzipSync(await readFile(join(dir, report.files[0]!.key))).toString('utf8');
    expect(csv.split('\n').sort()).toEqual(
      [
        '',
        '10425,1,4838.01,2005-05-31 00:00:00.000000,EMEA',
        '10425,2,1234567.89,2005-05-31 00:00:00.000000,NA',
        '10426,1,0.10,2005-05-31 00:00:00.000000,',
        'ordernumber,orderlinenumber,sales,orderdate,territory',
      ].sort(),
    );
  });

  it('a table configured with split reads its key ranges over two connections: same rows, one run', async () => {
    const config = unwrap(parseConfig({ source: { url }, tables: [{ ...TABLES[0], split: { slices: 2, key: 'ordernumber' } }], storage: { kind: 'local', dir } }, env));
    const report = unwrap(await runExtract(unwrap(await createTableJob(config, 'sales')), unwrap(windowFor(config, 'sales', { date: '2005-05-31' }))));
    expect(report.rows).toBe(3);
    // ordernumber 10425..10426 cut in two ranges: one part per slice.
    expect(report.files.map((f) => f.rows).sort()).toEqual([1, 2]);
    let lines: string[] = [];
    for (const f of report.files) lines = lines.concat(gunzipSync(await readFile(join(dir, f.key))).toString('utf8').split('\n').filter((l) => /^\d/.test(l)));
    expect(lines.sort()).toEqual(['10425,1,4838.01,2005-05-31 00:00:00.000000,EMEA', '10425,2,1234567.89,2005-05-31 00:00:00.000000,NA', '10426,1,0.10,2005-05-31 00:00:00.000000,']);
    const bad = parseConfig({ source: { url }, tables: [{ ...TABLES[0], split: { slices: 0 } }], storage: { kind: 'local', dir } }, env);
    expect(bad.isErr()).toBe(true);
  });

  it('a table configured as Parquet writes exact decimals', async () => {
    const config = unwrap(parseConfig({ source: { url }, tables: [{ ...TABLES[0], format: 'parquet' }], storage: { kind: 'local', dir } }, env));
    const report = unwrap(await runExtract(unwrap(await createTableJob(config, 'sales')), unwrap(windowFor(config, 'sales', { date: '2005-05-31' }))));
    expect(report.files[0]?.key).toMatch(/part-00000\.parquet$/);
    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    const path = join(dir, report.files[0]!.key).replace(/'/g, "''");
    const rows = (await duck.runAndReadAll(`select ordernumber, orderlinenumber, sales::varchar as sales, territory from read_parquet('${path}') order by 1, 2`)).getRows();
    duck.closeSync();
    expect(rows).toEqual([
      [10425, 1, '4838.01', 'EMEA'],
      [10425, 2, '1234567.89', 'NA'],
      [10426, 1, '0.10', null],
    ]);
  });

  it('a cursor table on S3 keeps its watermark next to the data and does not re-read', async () => {
    const config = configFor({ kind: 's3', bucket: 'floe-jobs', prefix: 'exports/floe', endpoint: s3.endpoint, forcePathStyle: true });
    const deps = { s3Client: s3.client() };
    const first = unwrap(await runExtract(unwrap(await createTableJob(config, 'sales_feed', deps)), unwrap(windowFor(config, 'sales_feed', {}))));
    expect(first.rows).toBe(4);
    expect(first.files[0]?.key).toMatch(/^exports\/floe\/sales_feed\/dt=\d{4}-\d{2}-\d{2}\/run=[^/]+\/part-00000\.csv\.gz$/);
    const stored = await s3.client().send(new GetObjectCommand({ Bucket: 'floe-jobs', Key: 'exports/floe/sales_feed/_watermark.json' }));
    const doc = JSON.parse(await stored.Body!.transformToString()) as { watermark: { column: string; value: string } };
    expect(doc.watermark).toEqual({ column: 'orderdate', value: '2005-05-31 00:00:00.000000' });
    const second = unwrap(await runExtract(unwrap(await createTableJob(config, 'sales_feed', deps)), unwrap(windowFor(config, 'sales_feed', {}))));
    expect(second.rows).toBe(0);
  });

  it('a wrong source password is a source_auth error that does not print it', async () => {
    const config = unwrap(parseConfig({ source: { url }, tables: TABLES, storage: { kind: 'local', dir } }, { PGPASSWORD: 'not-the-Pa55word' }));
    const job = unwrap(await createTableJob(config, 'sales'));
    const e = (await runExtract(job, unwrap(windowFor(config, 'sales', { date: '2005-05-31' }))))._unsafeUnwrapErr();
    expect(e.kind).toBe('source_auth');
    expect(formatError(e)).not.toContain('not-the-Pa55word');
  });
});
