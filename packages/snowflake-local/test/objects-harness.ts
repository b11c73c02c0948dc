/**
 * Test harness for the objects layer: s3rver (testkit) + startSnowflakeLocal + the real
 * snowflake-sdk, with helpers to stage objects and run statements.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { startS3, type LocalS3 } from '@floe/testkit';
import type { Connection } from 'snowflake-sdk';
import { gzipSync } from 'node:zlib';
import { startSnowflakeLocal, type SnowflakeLocal, type SnowflakeLocalOptions } from '../src/index.js';
import { connect, destroy, exec, failure, rows, type Row } from './protocol-sdk.js';

export { failure, rows, exec, type Row };

export const BUCKET = 'floe-landing';
export const ROLE_ARN = 'arn:aws:iam::123456789012:role/floe-snowflake';

export interface Harness {
  readonly s3: LocalS3;
  readonly sf: SnowflakeLocal;
  readonly conn: Connection;
  /** Runs statements in order; returns the rows of the last. */
  sql(...statements: string[]): Promise<Row[]>;
  put(key: string, body: string | Uint8Array, opts?: { gzip?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

export async function startHarness(opts: Partial<SnowflakeLocalOptions> = {}): Promise<Harness> {
  const s3 = await startS3({ buckets: [BUCKET] });
  const sf = await startSnowflakeLocal({
    database: 'ANALYTICS',
    users: [{ name: 'floe', password: 'pw' }],
    s3: { endpoint: s3.endpoint, region: s3.region, credentials: s3.credentials, forcePathStyle: true },
    ...opts,
  });
  const conn = await connect({ accessUrl: sf.accessUrl, account: sf.account, username: 'floe', password: 'pw', database: 'ANALYTICS', schema: 'PUBLIC', role: 'ACCOUNTADMIN' });
  const client = s3.client();
  return {
    s3,
    sf,
    conn,
    async sql(...statements) {
      let last: Row[] = [];
      for (const s of statements) last = await rows(conn, s);
      return last;
    },
    async put(key, body, o = {}) {
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: o.gzip === false ? bytes : gzipSync(bytes) }));
    },
    async stop() {
      client.destroy();
      await destroy(conn);
      await sf.stop();
      await s3.stop();
    },
  };
}

/** The integration + stage statements floe's provisioner issues, for a stage at `s3://BUCKET/<prefix>`. */
export function stageSetup(prefix: string, format = "TYPE = CSV FIELD_OPTIONALLY_ENCLOSED_BY = '\"' SKIP_HEADER = 1 NULL_IF = () EMPTY_FIELD_AS_NULL = TRUE ESCAPE_UNENCLOSED_FIELD = NONE COMPRESSION = AUTO ERROR_ON_COLUMN_COUNT_MISMATCH = TRUE"): string[] {
  return [
    `CREATE STORAGE INTEGRATION IF NOT EXISTS FLOE_S3 TYPE = EXTERNAL_STAGE STORAGE_PROVIDER = 'S3' ENABLED = TRUE STORAGE_AWS_ROLE_ARN = '${ROLE_ARN}' STORAGE_ALLOWED_LOCATIONS = ('s3://${BUCKET}/${prefix}')`,
    `CREATE OR REPLACE FILE FORMAT FLOE_CSV ${format}`,
    `CREATE OR REPLACE STAGE FLOE_STAGE URL = 's3://${BUCKET}/${prefix}' STORAGE_INTEGRATION = FLOE_S3 FILE_FORMAT = (FORMAT_NAME = 'FLOE_CSV')`,
  ];
}
