import { generateKeyPairSync } from 'node:crypto';
import { dirname } from 'node:path';
import { connectSnowflake, createSnowflakeProvisioner, floeError, formatError, parseConfig, provisionSetup, snowflakeSetupFromConfig, type FloeError, type SnowflakeSession } from '@floe/core';
import { SALES_TABLE } from '@floe/example-sales';
import { ManualClock, startSnowflakeLocal, type SnowflakeLocal } from '@floe/snowflake-local';
import { ResultAsync, type Result } from 'neverthrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LambdaRunReport } from '../src/index.js';
import { bundlePath, NODE24_MISSING, startBundle, type BundleProcess } from './support/bundle-process.js';
import { startFixture, type Fixture } from './support/fixture.js';

function unwrap<T>(r: Result<T, FloeError>): T {
  if (r.isErr()) throw new Error(formatError(r.error));
  return r.value;
}

/**
 * The whole path of an async-invoke retry: the built bundle delivers the same scheduled day twice
 * (two run folders), s3rver announces the files to the local Snowflake endpoint, the pipe loads both
 * into the landing table, and the task's MERGE leaves one row per key: SALES matches PostgreSQL.
 */
describe.skipIf(NODE24_MISSING)(`a retried scheduled invocation, through Snowpipe and the MERGE task ${NODE24_MISSING ?? ''}`, () => {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const clock = new ManualClock(new Date('2026-11-26T00:00:00Z'));
  let fx: Fixture;
  let sf: SnowflakeLocal;
  let session: SnowflakeSession;
  let fn: BundleProcess;
  const deliveries: Array<Promise<void>> = [];

  beforeAll(async () => {
    fx = await startFixture();
    sf = await startSnowflakeLocal({
      clock,
      users: [{ name: 'FLOE_SVC', rsaPublicKeyPem: keys.publicKey, role: 'ACCOUNTADMIN' }],
      s3: { endpoint: fx.s3.endpoint, region: fx.s3.region, credentials: fx.s3.credentials, forcePathStyle: true },
    });
    // s3rver announces every new object; the endpoint routes it to the pipe like SQS would.
    fx.s3.onEvent((e) => {
      deliveries.push(sf.deliverS3Event({ Records: [{ eventName: e.eventName, s3: { bucket: { name: e.bucket }, object: { key: e.key, size: e.size ?? 0 } } }] }));
    });
  });

  afterAll(async () => {
    await fn?.close();
    await session?.close();
    await sf?.stop();
    await fx?.stop();
  });

  it('SALES holds each line of the day once, from the latest run', async () => {
    const base = fx.config('snowflake') as { source: object; storage: object };
    const raw = {
      source: base.source,
      tables: [{ name: 'sales', source: { table: 'sales' }, window: { kind: 'day', column: 'orderdate' }, primaryKey: ['ordernumber', 'orderlinenumber'] }],
      storage: base.storage,
      snowflake: {
        account: sf.account,
        accessUrl: sf.accessUrl,
        user: 'FLOE_SVC',
        role: 'ACCOUNTADMIN',
        warehouse: 'FLOE_WH',
        database: 'ANALYTICS',
        schema: 'SALES',
        auth: { kind: 'keypair', privateKeyEnv: 'SF_KEY' },
        roleArn: 'arn:aws:iam::123456789012:role/floe-snowflake',
      },
      run: { timeZone: 'UTC' },
    };
    const config = unwrap(parseConfig(raw, { SF_KEY: keys.privateKey, PGPASSWORD: fx.postgres.password }));
    session = unwrap(await connectSnowflake(config, { loginRetries: 0 }));
    const provisioner = createSnowflakeProvisioner({
      session,
      setup: unwrap(snowflakeSetupFromConfig(config, { sales: SALES_TABLE }).andThen(provisionSetup)),
      applyBucketNotification: (bucket, configuration) =>
        ResultAsync.fromPromise(sf.setBucketNotification(bucket, configuration), (e) => floeError('upload', 'The local endpoint refused the bucket notification.', 'See the cause.', { cause: e })),
    });
    unwrap(await provisioner.plan().andThen((plan) => provisioner.apply(plan)));

    // The function itself needs no Snowflake credentials: only the source's password.
    fn = startBundle({
      FLOE_CONFIG: JSON.stringify(raw),
      PGPASSWORD: fx.postgres.password,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: fx.s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: fx.s3.credentials.secretAccessKey,
      LAMBDA_TASK_ROOT: dirname(bundlePath),
    });
    const event = { scheduledTime: '2005-06-01T02:00:00Z' };
    const runs: LambdaRunReport[] = [];
    for (let attempt = 0; attempt < 2; attempt++) {
      const out = await fn.invoke(event);
      if (!out.result) throw new Error(out.errorMessage);
      runs.push(out.result);
    }
    const runIds = runs.map((r) => (r.runs[0]?.status === 'ok' ? r.runs[0].report.runId : ''));
    expect(runIds[1]! > runIds[0]!).toBe(true);

    await Promise.all(deliveries);
    await sf.drainPipes();
    clock.advance(25 * 3600 * 1000);
    await sf.runDueTasks();

    const truth = await fx.day('2005-05-31');
    const landing = unwrap(await session.query<{ N: unknown; RUNS: unknown }>('SELECT COUNT(*) AS N, COUNT(DISTINCT "_FLOE_RUN_ID") AS RUNS FROM "ANALYTICS"."SALES"."SALES_LANDING"'));
    // Both deliveries reached Snowflake...
    expect(landing.map((r) => [Number(r.N), Number(r.RUNS)])).toEqual([[2 * truth.rows, 2]]);
    const target = unwrap(
      await session.query<{ N: unknown; KEYS: unknown; TOTAL: unknown; RUN: unknown }>(
        'SELECT COUNT(*) AS N, COUNT(DISTINCT "ORDERNUMBER" * 1000 + "ORDERLINENUMBER") AS KEYS, TO_VARCHAR(SUM("SALES")) AS TOTAL, MIN("_FLOE_RUN_ID") AS RUN FROM "ANALYTICS"."SALES"."SALES"',
      ),
    );
    // ...and the table users read has each line once, money exact, from the latest run.
    expect(target.map((r) => ({ n: Number(r.N), keys: Number(r.KEYS), total: String(r.TOTAL), run: r.RUN }))).toEqual([{ n: truth.rows, keys: truth.rows, total: truth.sales, run: runIds[1] }]);
  });
});
