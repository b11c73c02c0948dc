import { generateKeyPairSync } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { startSnowflakeLocal, type SnowflakeLocal } from '@floe/snowflake-local';
import { startS3, type LocalS3 } from '@floe/testkit';
import { errAsync, okAsync, ResultAsync, type Result } from 'neverthrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProvisionPlan, ProvisionReport } from '../src/contracts/provisioner.js';
import type { TableSchema } from '../src/contracts/schema.js';
import { parseConfig, type FloeConfig } from '../src/config/config-load.js';
import { floeError, formatError, type FloeError } from '../src/errors.js';
import { mapQueryError } from '../src/snowflake/snowflake-errors.js';
import { connectSnowflake, type SnowflakeSession } from '../src/snowflake/snowflake-session.js';
import { createSnowflakeProvisioner } from '../src/snowflake/snowflake-provisioner.js';
import { provisionSetup, snowflakeSetupFromConfig } from '../src/snowflake/snowflake-setup.js';

const BUCKET = 'floe-provision';
const keys = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });

/** A slice of the sales table as the extractor's describe() reports it. */
const SALES: TableSchema = {
  schema: 'public',
  name: 'sales',
  columns: [
    { name: 'ordernumber', pgType: 'integer', baseType: 'int4', isArray: false, nullable: false },
    { name: 'orderlinenumber', pgType: 'integer', baseType: 'int4', isArray: false, nullable: false },
    { name: 'sales', pgType: 'numeric(10,2)', baseType: 'numeric', isArray: false, nullable: false, precision: 10, scale: 2 },
    { name: 'orderdate', pgType: 'timestamp without time zone', baseType: 'timestamp', isArray: false, nullable: false },
    { name: 'territory', pgType: 'text', baseType: 'text', isArray: false, nullable: true },
  ],
  primaryKey: ['ordernumber', 'orderlinenumber'],
};

let s3: LocalS3;
let sf: SnowflakeLocal;
let config: FloeConfig;
let session: SnowflakeSession;
const notifications: Array<{ bucket: string; configuration: unknown }> = [];
const deliveries: Array<Promise<void>> = [];

/** Unwraps a Result, failing the test with the FloeError's own text. */
function unwrap<T>(r: Result<T, FloeError>): T {
  if (r.isErr()) throw new Error(formatError(r.error));
  return r.value;
}

function provisioner() {
  const setup = unwrap(snowflakeSetupFromConfig(config, { sales: SALES }).andThen(provisionSetup));
  return createSnowflakeProvisioner({
    session,
    setup,
    applyBucketNotification: (bucket, configuration) =>
      ResultAsync.fromPromise(
        sf.setBucketNotification(bucket, configuration).then(() => void notifications.push({ bucket, configuration })),
        (e) => floeError('upload', 'The local endpoint refused the bucket notification.', 'See the cause.', { cause: e }),
      ),
  });
}

beforeAll(async () => {
  s3 = await startS3({ buckets: [BUCKET] });
  sf = await startSnowflakeLocal({
    users: [{ name: 'FLOE_SVC', rsaPublicKeyPem: keys.publicKey, role: 'ACCOUNTADMIN' }],
    s3: { endpoint: s3.endpoint, region: s3.region, credentials: s3.credentials, forcePathStyle: true },
  });
  // s3rver announces every new object; the local endpoint routes it like SQS would.
  s3.onEvent((e) => {
    deliveries.push(sf.deliverS3Event({ Records: [{ eventName: e.eventName, s3: { bucket: { name: e.bucket }, object: { key: e.key, size: e.size ?? 0 } } }] }));
  });
  config = parseConfig(
    {
      source: { url: 'postgres://floe@127.0.0.1/shop' },
      tables: [{ name: 'sales', source: { table: 'sales' }, window: { kind: 'day', column: 'orderdate' } }],
      storage: { kind: 's3', bucket: BUCKET, prefix: 'floe', endpoint: s3.endpoint, forcePathStyle: true },
      snowflake: {
        account: 'local',
        accessUrl: sf.accessUrl,
        user: 'FLOE_SVC',
        role: 'ACCOUNTADMIN',
        warehouse: 'FLOE_WH',
        database: 'ANALYTICS',
        schema: 'SALES',
        auth: { kind: 'keypair', privateKeyEnv: 'SF_KEY' },
        roleArn: 'arn:aws:iam::123456789012:role/floe-snowflake',
        loaderRole: 'FLOE_LOADER',
      },
    },
    { SF_KEY: keys.privateKey },
  )._unsafeUnwrap();
  session = unwrap(await connectSnowflake(config, { loginRetries: 0 }));
});

afterAll(async () => {
  await session?.close();
  await sf?.stop();
  await s3?.stop();
});

describe('SnowflakeProvisioner against the local endpoint', () => {
  let first: ProvisionPlan;
  let report: ProvisionReport;

  it('plans every missing object as create', async () => {
    first = unwrap(await provisioner().plan());
    // The local endpoint creates the login's database and schema (the session names them), so
    // those two exist already; everything else is missing, and the reads (DESC) change nothing.
    expect(first.steps.map((s) => `${s.action} ${s.id}`)).toEqual([
      'none bootstrap/database/ANALYTICS',
      'none bootstrap/schema/ANALYTICS.SALES',
      'create bootstrap/role/FLOE_LOADER',
      'create integration/integration/FLOE_S3_INTEGRATION',
      'none integration/integration/FLOE_S3_INTEGRATION/describe',
      'create objects/file-format/ANALYTICS.SALES.FLOE_CSV',
      'create objects/stage/ANALYTICS.SALES.FLOE_STAGE',
      'create objects/table/ANALYTICS.SALES.SALES_LANDING',
      'create objects/stream/ANALYTICS.SALES.SALES_LANDING_STREAM',
      'create objects/table/ANALYTICS.SALES.SALES',
      'create objects/pipe/ANALYTICS.SALES.SALES_PIPE',
      'none objects/pipe/ANALYTICS.SALES.SALES_PIPE/describe',
      'create tasks/task/ANALYTICS.SALES.SALES_MERGE/suspend',
      'create tasks/task/ANALYTICS.SALES.SALES_MERGE',
      'create grants/grant/FLOE_WH/usage-to-FLOE_LOADER',
      'create grants/grant/ANALYTICS/usage-to-FLOE_LOADER',
      'create grants/grant/ANALYTICS.SALES/usage-to-FLOE_LOADER',
      'create grants/grant/ANALYTICS.SALES.FLOE_CSV/usage-to-FLOE_LOADER',
      'create grants/grant/ANALYTICS.SALES.FLOE_STAGE/usage-to-FLOE_LOADER',
      'create grants/grant/ANALYTICS.SALES.SALES_LANDING/select-to-FLOE_LOADER',
      'create grants/grant/ANALYTICS.SALES.SALES/select-to-FLOE_LOADER',
      'create grants/grant/ANALYTICS.SALES.SALES_PIPE/monitor-operate-to-FLOE_LOADER',
      'create grants/grant/ANALYTICS.SALES.SALES_MERGE/monitor-operate-to-FLOE_LOADER',
      'create grants/user/FLOE_SVC/role-FLOE_LOADER',
      'create resume/pipe/ANALYTICS.SALES.SALES_PIPE/unpause',
      'create resume/task/ANALYTICS.SALES.SALES_MERGE/resume',
    ]);
  });

  it('applies the plan, creating the objects in order', async () => {
    report = unwrap(await provisioner().apply(first));
    expect(report.applied.length).toBe(first.steps.filter((s) => s.action !== 'none').length);
    const tables = unwrap(await session.query<{ name: string }>('SHOW TABLES IN SCHEMA "ANALYTICS"."SALES"')).map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['SALES_LANDING', 'SALES']));
    const pipes = unwrap(await session.query<{ name: string }>('SHOW PIPES IN SCHEMA "ANALYTICS"."SALES"')).map((r) => r.name);
    expect(pipes).toEqual(['SALES_PIPE']);
  });

  it('puts the DESC INTEGRATION values into the trust policy', async () => {
    const desc = unwrap(await session.query<{ property: string; property_value: string }>('DESC INTEGRATION "FLOE_S3_INTEGRATION"'));
    const value = (p: string) => desc.find((r) => r.property === p)?.property_value;
    const arn = value('STORAGE_AWS_IAM_USER_ARN');
    const externalId = value('STORAGE_AWS_EXTERNAL_ID');
    expect(arn).toMatch(/^arn:aws:iam::\d{12}:user\//);
    expect(externalId).toBeTruthy();
    expect(report.documents['trustPolicy']).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'FloeSnowflakeAssumeRole', Effect: 'Allow', Principal: { AWS: arn }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': externalId } } }],
    });
    const policy = report.documents['permissionsPolicy'] as { Statement: Array<{ Resource: string }> };
    expect(policy.Statement.map((s) => s.Resource)).toEqual([`arn:aws:s3:::${BUCKET}/floe/*`, `arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}`]);
  });

  it('points the bucket notification at the pipe queue, on the table prefix, and applies it', async () => {
    const pipe = unwrap(await session.query<{ name: string; notification_channel: string }>('SHOW PIPES LIKE \'SALES_PIPE\' IN SCHEMA "ANALYTICS"."SALES"'))[0];
    expect(pipe?.notification_channel).toMatch(/^arn:aws:sqs:/);
    const expected = {
      QueueConfigurations: [
        {
          Id: 'floe-sales',
          QueueArn: pipe?.notification_channel,
          Events: ['s3:ObjectCreated:*'],
          Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'floe/sales/' }, { Name: 'suffix', Value: '.csv.gz' }] } },
        },
      ],
    };
    expect(report.documents['bucketNotification']).toEqual(expected);
    expect(notifications).toEqual([{ bucket: BUCKET, configuration: expected }]);
  });

  it('a second plan has nothing to do, and applying it changes nothing', async () => {
    const again = unwrap(await provisioner().plan());
    expect(again.steps.filter((s) => s.action !== 'none').map((s) => `${s.action} ${s.id}`)).toEqual([]);
    const second = unwrap(await provisioner().apply(again));
    expect(second.applied).toEqual([]);
    expect(second.documents['trustPolicy']).toEqual(report.documents['trustPolicy']);
  });

  it('the provisioned pipe loads a published file delivered through the bucket notification', async () => {
    const csv = 'ordernumber,orderlinenumber,sales,orderdate,territory\n10100,1,5151.00,2003-01-06 00:00:00.000000,NA\n10100,2,3390.00,2003-01-06 00:00:00.000000,\n';
    const key = 'floe/sales/dt=2003-01-06/run=20261126T101500123Z-3f9a1c2e/part-00000.csv.gz';
    await s3.client().send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: gzipSync(csv) }));
    // s3rver emits the event while handling the PUT, so the delivery is already under way here.
    expect(deliveries).toHaveLength(1);
    await Promise.all(deliveries);
    await sf.drainPipes();
    const rows = unwrap(await session.query<Record<string, string | null>>('SELECT ORDERNUMBER, ORDERLINENUMBER, SALES, TERRITORY, _FLOE_RUN_ID FROM "ANALYTICS"."SALES"."SALES_LANDING" ORDER BY ORDERLINENUMBER'));
    expect(rows).toEqual([
      { ORDERNUMBER: '10100', ORDERLINENUMBER: '1', SALES: '5151.00', TERRITORY: 'NA', _FLOE_RUN_ID: '20261126T101500123Z-3f9a1c2e' },
      { ORDERNUMBER: '10100', ORDERLINENUMBER: '2', SALES: '3390.00', TERRITORY: null, _FLOE_RUN_ID: '20261126T101500123Z-3f9a1c2e' },
    ]);
  });

  it('a task suspended by hand is planned for resume only, and apply restarts it', async () => {
    unwrap(await session.execute('ALTER TASK "ANALYTICS"."SALES"."SALES_MERGE" SUSPEND'));
    const drift = unwrap(await provisioner().plan());
    expect(drift.steps.filter((s) => s.action !== 'none').map((s) => `${s.action} ${s.id}`)).toEqual(['alter resume/task/ANALYTICS.SALES.SALES_MERGE/resume']);
    const fixed = unwrap(await provisioner().apply(drift));
    expect(fixed.applied.map((s) => s.id)).toEqual(['resume/task/ANALYTICS.SALES.SALES_MERGE/resume']);
    const state = unwrap(await session.query<{ name: string; state: string }>('SHOW TASKS LIKE \'SALES_MERGE\' IN SCHEMA "ANALYTICS"."SALES"'));
    expect(state.map((r) => [r.name, r.state])).toEqual([['SALES_MERGE', 'started']]);
    expect(unwrap(await provisioner().plan()).steps.every((s) => s.action === 'none')).toBe(true);
  });
});

/** A session answering from a script: SQL text → rows (or a driver error), recording what ran. */
function scriptedSession(answer: (sql: string) => Array<Record<string, unknown>> | { code: string; message: string }) {
  const ran: string[] = [];
  const run = (sql: string) => {
    ran.push(sql);
    const a = answer(sql);
    return Array.isArray(a) ? okAsync(a) : errAsync(mapQueryError(a, sql));
  };
  const session: SnowflakeSession = {
    query: <T extends object>(sql: string) => run(sql).map((rows) => rows as T[]),
    execute: (sql) => run(sql).map(() => undefined),
    close: () => okAsync(undefined),
  };
  return { session, ran };
}

describe('SnowflakeProvisioner decisions (scripted Snowflake answers)', () => {
  const pipeStep = {
    id: 'objects/pipe/DB.S.SALES_PIPE',
    description: 'pipe',
    object: { type: 'PIPE', name: '"DB"."S"."SALES_PIPE"' },
    sql: 'CREATE PIPE IF NOT EXISTS "DB"."S"."SALES_PIPE" AS COPY INTO x FROM @s/sales/',
    kind: 'ddl' as const,
    existsSql: 'SHOW PIPES LIKE \'SALES_PIPE\' IN SCHEMA "DB"."S"',
    existsName: 'SALES_PIPE',
  };
  const grantStep = {
    id: 'grants/grant/DB.S.T/select-to-LOADER',
    description: 'grant',
    object: { type: 'GRANT', name: '"DB"."S"."T"' },
    sql: 'GRANT SELECT ON TABLE "DB"."S"."T" TO ROLE "LOADER"',
    kind: 'ddl' as const,
  };

  it('a SHOW LIKE row that only matches the wildcard does not count as the object', async () => {
    const { session } = scriptedSession((sql) => (sql.startsWith('SHOW PIPES') ? [{ name: 'SALESXPIPE' }] : []));
    const plan = unwrap(await createSnowflakeProvisioner({ session, setup: { steps: [pipeStep] } }).plan());
    expect(plan.steps.map((s) => s.action)).toEqual(['create']);
  });

  it("reads Snowflake's SHOW GRANTS rows (one per privilege) to skip a grant already given", async () => {
    const rows = [{ privilege: 'SELECT', granted_on: 'TABLE', name: 'DB.S.T', grantee_name: 'LOADER' }];
    const given = scriptedSession((sql) => (sql === 'SHOW GRANTS TO ROLE "LOADER"' ? rows : []));
    expect(unwrap(await createSnowflakeProvisioner({ session: given.session, setup: { steps: [grantStep] } }).plan()).steps[0]?.action).toBe('none');
    const other = scriptedSession((sql) => (sql === 'SHOW GRANTS TO ROLE "LOADER"' ? [{ ...rows[0], name: 'DB.S.OTHER' }] : []));
    expect(unwrap(await createSnowflakeProvisioner({ session: other.session, setup: { steps: [grantStep] } }).plan()).steps[0]?.action).toBe('create');
  });

  it('a privilege error while applying stops the run and names the object', async () => {
    const { session, ran } = scriptedSession((sql) =>
      sql.startsWith('CREATE PIPE') ? { code: '003001', message: 'SQL access control error: Insufficient privileges to operate on schema \'S\'' } : [],
    );
    const provisioner = createSnowflakeProvisioner({ session, setup: { steps: [pipeStep, grantStep] } });
    const plan = unwrap(await provisioner.plan());
    const e = (await provisioner.apply(plan))._unsafeUnwrapErr();
    expect(e.kind).toBe('snowflake_privilege');
    expect(e.object).toBe('"DB"."S"."SALES_PIPE"');
    // The grant after the failed step never ran.
    expect(ran.filter((sql) => sql.startsWith('GRANT'))).toEqual([]);
  });

  it('refuses a plan that was not made from this setup', async () => {
    const { session, ran } = scriptedSession(() => []);
    const provisioner = createSnowflakeProvisioner({ session, setup: { steps: [pipeStep] } });
    const forged = { steps: [{ id: pipeStep.id, description: 'x', sql: 'DROP DATABASE "DB"', action: 'create' as const }] };
    expect((await provisioner.apply(forged))._unsafeUnwrapErr().kind).toBe('internal');
    expect(ran).toEqual([]);
  });
});
