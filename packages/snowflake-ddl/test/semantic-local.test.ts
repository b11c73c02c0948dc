/**
 * The generated setup, run for real on the local Snowflake endpoint: PostgreSQL (real data set) →
 * gzip CSV parts in S3 (s3rver) → bucket notification → pipe → landing → stream → task →
 * SALES / INVOICES / ITEMS. Proves the SQL is not only well-formed but does what it claims:
 * exact counts and money, re-running the whole script changes nothing, and a day delivered twice
 * before the task runs is counted once.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ManualClock, startSnowflakeLocal, type SnowflakeLocal } from '@floe/snowflake-local';
import { salesCsvPath, SALES_CSV_MISSING, startPostgres, startS3, type LocalPostgres, type LocalS3 } from '@floe/testkit';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planSetup, setupBucketNotification } from '../src/index.js';
import { createSalesTable } from '../../../examples/sales/src/schema.js';
import { loadKaggleCsv } from '../../../examples/sales/src/kaggle-loader.js';
import { salesSnowflakeSetup } from '../../../examples/sales/src/snowflake-preset.js';

const csvPath = salesCsvPath();
const BUCKET = 'floe-staging-example';
const config = salesSnowflakeSetup({ format: 'csv' });

// The extractor's text forms (conventions): timestamps with 6 fraction digits, timestamptz in UTC.
const EXTRACT_SQL = `SELECT ordernumber::text, quantityordered::text, priceeach::text, orderlinenumber::text, sales::text,
  to_char(orderdate, 'YYYY-MM-DD HH24:MI:SS.US'), status, qtr_id::text, month_id::text, year_id::text, productline,
  msrp::text, productcode, customername, phone, addressline1, addressline2, city, state, postalcode, country,
  territory, contactlastname, contactfirstname, dealsize,
  to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00:00'
FROM public.sales ORDER BY ordernumber, orderlinenumber`;

/** CSV as core's serializer writes it: quoted only when needed, NULL = empty field, '' = `""`. */
const csvField = (v: string | null): string => (v === null ? '' : v === '' || /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

type Session = Awaited<ReturnType<SnowflakeLocal['engine']['openSession']>>;

describe.skipIf(!csvPath)(`generated setup on the local endpoint (${csvPath ? 'real data set' : SALES_CSV_MISSING})`, () => {
  let postgres: LocalPostgres;
  let s3: LocalS3;
  let sf: SnowflakeLocal;
  let session: Session;
  let part: Buffer;
  const clock = new ManualClock(new Date('2026-11-26T01:00:00.000Z'));

  const one = async (sql: string): Promise<string | null> => (await session.sql(sql)).rows[0]?.[0] ?? null;
  const count = async (table: string): Promise<number> => Number(await one(`SELECT COUNT(*) FROM "FLOE"."SALES"."${table}"`));
  const runSetup = async (): Promise<Map<string, string>> => {
    const reads = new Map<string, string>();
    for (const s of planSetup(config).steps) {
      const r = await session.sql(s.sql);
      for (const name of s.returns ?? []) {
        const col = r.columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
        const value = col >= 0 ? r.rows[0]?.[col] : r.rows.find((row) => row[0] === name)?.[2];
        if (value) reads.set(name, value);
      }
    }
    return reads;
  };
  const deliver = async (runId: string, body: Buffer): Promise<void> => {
    // Staged first (outside every pipe path), then published, manifest last, as the uploader
    // does. Each PUT's event goes to the endpoint as S3 would send it; the bucket notification
    // (prefix/suffix) and the pipe's PATTERN decide what loads. Events are delivered here, after
    // each PUT has returned, rather than from s3rver's emitter, so no event can race the drain.
    const put = async (Key: string, Body: Buffer | string): Promise<void> => {
      await s3.client().send(new PutObjectCommand({ Bucket: BUCKET, Key, Body }));
      await sf.deliverS3Event({ Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: BUCKET }, object: { key: Key, size: Buffer.byteLength(Body) } } }] });
    };
    await put(`floe/_staging/sales/run=${runId}/part-00000.csv.gz`, body);
    await put(`floe/sales/dt=2026-11-25/run=${runId}/part-00000.csv.gz`, body);
    await put(`floe/sales/dt=2026-11-25/run=${runId}/_manifest.json`, JSON.stringify({ version: 1, runId }));
    await sf.drainPipes();
  };
  const runTask = async (at: string): Promise<number> => {
    clock.set(new Date(at));
    return (await sf.runDueTasks()).length;
  };

  beforeAll(async () => {
    postgres = await startPostgres();
    const client = new pg.Client({ connectionString: postgres.url() });
    await client.connect();
    try {
      await createSalesTable(client);
      const loaded = await loadKaggleCsv(client, csvPath!);
      expect(loaded.isOk(), loaded.isErr() ? loaded.error.message : '').toBe(true);
      const rows = (await client.query({ text: EXTRACT_SQL, rowMode: 'array' })).rows as Array<Array<string | null>>;
      const header = config.tables[0]!.source.columns.map((c) => c.name).join(',');
      part = gzipSync(`${header}\n${rows.map((r) => r.map(csvField).join(',')).join('\n')}\n`);
    } finally {
      await client.end();
    }
    s3 = await startS3({ buckets: [BUCKET] });
    sf = await startSnowflakeLocal({ clock, autoRunTasks: false, s3: { endpoint: s3.endpoint, region: s3.region, credentials: s3.credentials, forcePathStyle: true } });
    session = await sf.engine.openSession({ user: 'LOCAL', role: 'ACCOUNTADMIN', database: '', schema: '' });
  });

  afterAll(async () => {
    await session?.close();
    await sf?.stop();
    await s3?.stop();
    await postgres?.stop();
  });

  it('runs the whole script twice without error, and wires the bucket to the pipe', async () => {
    await runSetup();
    const reads = await runSetup();
    expect(reads.get('STORAGE_AWS_IAM_USER_ARN')).toMatch(/^arn:aws:iam::/);
    const channel = reads.get('notification_channel');
    expect(channel).toMatch(/^arn:aws:sqs:/);
    await sf.setBucketNotification(BUCKET, setupBucketNotification(config, channel!));
    expect(await count('SALES_LANDING')).toBe(0);
  });

  it('builds SALES, INVOICES and ITEMS exactly from a day delivered twice before the task runs', async () => {
    await deliver('20261126T011500000Z-0000000a', part);
    // The staged copy and the manifest never reach the landing table.
    expect(await count('SALES_LANDING')).toBe(2823);
    await deliver('20261126T014500000Z-0000000b', part);
    expect(await count('SALES_LANDING')).toBe(2 * 2823);
    expect(await runTask('2026-11-26T03:00:30.000Z')).toBeGreaterThan(0);
    expect([await count('SALES'), await count('INVOICES'), await count('ITEMS')]).toEqual([2823, 307, 2823]);
    expect(await one('SELECT SUM("SALES")::VARCHAR FROM "FLOE"."SALES"."SALES"')).toBe('10032628.85');
    expect(await one('SELECT SUM("TOTAL_SALES")::VARCHAR FROM "FLOE"."SALES"."INVOICES"')).toBe('10032628.85');
    expect(await one('SELECT SUM("SALES")::VARCHAR FROM "FLOE"."SALES"."ITEMS"')).toBe('10032628.85');
    expect(await one(`SELECT COUNT(*) FROM "FLOE"."SALES"."SALES" WHERE "TERRITORY" = 'NA'`)).toBe('1074');
    expect(await one(`SELECT COUNT(*) FROM "FLOE"."SALES"."SALES" WHERE "ADDRESSLINE2" IS NULL`)).toBe('2521');
    // Latest delivery wins, in SALES and in what is derived from it.
    expect(await one('SELECT COUNT(DISTINCT "_FLOE_RUN_ID") || \':\' || MAX("_FLOE_RUN_ID") FROM "FLOE"."SALES"."SALES"')).toBe('1:20261126T014500000Z-0000000b');
    expect(await one('SELECT MIN("_FLOE_RUN_ID") FROM "FLOE"."SALES"."INVOICES"')).toBe('20261126T014500000Z-0000000b');
  });

  it('re-running the whole script changes nothing', async () => {
    await runSetup();
    await sf.drainPipes();
    expect(await count('SALES_LANDING')).toBe(2 * 2823);
    await runTask('2026-11-27T03:00:30.000Z');
    expect([await count('SALES'), await count('INVOICES'), await count('ITEMS')]).toEqual([2823, 307, 2823]);
    expect(await one('SELECT SUM("SALES")::VARCHAR FROM "FLOE"."SALES"."SALES"')).toBe('10032628.85');
  });

  it('a later re-delivery of the day updates rows in place', async () => {
    await deliver('20261127T090000000Z-0000000c', part);
    expect(await count('SALES_LANDING')).toBe(3 * 2823);
    await runTask('2026-11-28T03:00:30.000Z');
    expect([await count('SALES'), await count('INVOICES'), await count('ITEMS')]).toEqual([2823, 307, 2823]);
    expect(await one('SELECT SUM("SALES")::VARCHAR FROM "FLOE"."SALES"."SALES"')).toBe('10032628.85');
    expect(await one('SELECT COUNT(DISTINCT "_FLOE_RUN_ID") || \':\' || MAX("_FLOE_RUN_ID") FROM "FLOE"."SALES"."ITEMS"')).toBe('1:20261127T090000000Z-0000000c');
  });
});
