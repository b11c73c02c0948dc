/** The README's end-to-end example, kept runnable: snowflake-sdk, a pipe on an s3rver bucket, the loaded rows. */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { gzipSync } from 'node:zlib';
import { startS3, type LocalS3 } from '@floe/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'snowflake-sdk';
import { startSnowflakeLocal, type SnowflakeLocal } from '../src/index.js';
import { connect, destroy, rows } from './protocol-sdk.js';

describe('README example: a pipe on a local S3 bucket', () => {
  let s3: LocalS3;
  let sf: SnowflakeLocal;
  let conn: Connection;
  let unsubscribe: (() => void) | undefined;

  beforeAll(async () => {
    s3 = await startS3({ buckets: ['landing'] });
    sf = await startSnowflakeLocal({
      users: [{ name: 'floe', password: 'pw' }],
      database: 'ANALYTICS',
      s3: { endpoint: s3.endpoint, region: s3.region, credentials: s3.credentials, forcePathStyle: true },
    });
    conn = await connect({ accessUrl: sf.accessUrl, account: sf.account, username: 'floe', password: 'pw', database: 'ANALYTICS', schema: 'PUBLIC', warehouse: 'WH' });
  });
  afterAll(async () => {
    unsubscribe?.();
    if (conn) await destroy(conn);
    await sf?.stop();
    await s3?.stop();
  });

  it('loads a staged gzip CSV through the pipe', async () => {
    const run = (sql: string): Promise<Record<string, unknown>[]> => rows(conn, sql);
    for (const sql of [
      `CREATE STORAGE INTEGRATION FLOE_S3 TYPE = EXTERNAL_STAGE STORAGE_PROVIDER = 'S3' ENABLED = TRUE
         STORAGE_AWS_ROLE_ARN = 'arn:aws:iam::123456789012:role/floe' STORAGE_ALLOWED_LOCATIONS = ('s3://landing/floe/')`,
      `CREATE FILE FORMAT FLOE_CSV TYPE = CSV FIELD_OPTIONALLY_ENCLOSED_BY = '"' SKIP_HEADER = 1 NULL_IF = ()`,
      `CREATE STAGE FLOE_STAGE URL = 's3://landing/floe/' STORAGE_INTEGRATION = FLOE_S3`,
      `CREATE TABLE SALES_LANDING (ID NUMBER(10,0), AMOUNT NUMBER(12,2), _FLOE_FILE VARCHAR, _FLOE_ROW NUMBER,
         _FLOE_RUN_ID VARCHAR, _FLOE_LOADED_AT TIMESTAMP_LTZ)`,
      `CREATE PIPE SALES_PIPE AUTO_INGEST = TRUE AS COPY INTO SALES_LANDING
         FROM (SELECT $1, $2, METADATA$FILENAME, METADATA$FILE_ROW_NUMBER,
                      REGEXP_SUBSTR(METADATA$FILENAME, 'run=([^/]+)/', 1, 1, 'e'), CURRENT_TIMESTAMP()
               FROM @FLOE_STAGE/sales/)
         FILE_FORMAT = (FORMAT_NAME = 'FLOE_CSV') PATTERN = '.*part-[0-9]+[.](csv[.]gz|parquet)'`,
    ]) await run(sql);
    const [pipe] = await run('SHOW PIPES');
    expect(pipe!.notification_channel).toBe(sf.notificationChannel);
    await sf.setBucketNotification('landing', {
      QueueConfigurations: [{ Id: 'sales', QueueArn: pipe!.notification_channel, Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'floe/sales/' }] } } }],
    });
    unsubscribe = s3.onEvent((event) => void sf.deliverS3Event(event));

    await s3.client().send(new PutObjectCommand({
      Bucket: 'landing',
      Key: 'floe/sales/dt=2026-11-25/run=20261126T101500123Z-3f9a1c2e/part-00000.csv.gz',
      Body: gzipSync('id,amount\n1,19.99\n2,0.10\n'),
    }));
    await sf.drainPipes();
    expect(await rows(conn, 'SELECT ID, AMOUNT, _FLOE_RUN_ID FROM SALES_LANDING ORDER BY ID', { fetchAsString: ['Number'] })).toEqual([
      { ID: '1', AMOUNT: '19.99', _FLOE_RUN_ID: '20261126T101500123Z-3f9a1c2e' },
      { ID: '2', AMOUNT: '0.10', _FLOE_RUN_ID: '20261126T101500123Z-3f9a1c2e' },
    ]);
  });
});
