import { generateKeyPairSync, randomBytes } from 'node:crypto';
import pg from 'pg';
import { createSalesTable, loadGeneratedSales, loadKaggleCsv } from '@floe/example-sales';
import { rsaPublicKeyStep } from '@floe/snowflake-ddl';
import { ManualClock, startSnowflakeLocal, type SnowflakeLocal } from '@floe/snowflake-local';
import { startPostgres, startS3, type LocalPostgres, type LocalS3 } from '@floe/testkit';
import { connectSnowflake, parseConfig, type FloeConfig } from '@floe/core';

/** Where the stack's data comes from: generated rows of the Kaggle shape, or the real CSV. */
export type StackData = { readonly kind: 'generated' } | { readonly kind: 'kaggle'; readonly csvPath: string };

/** Everything floe needs, running on loopback: PostgreSQL, S3 (s3rver) and the local Snowflake endpoint. */
export interface LocalStack {
  readonly postgres: LocalPostgres;
  readonly s3: LocalS3;
  readonly snowflake: SnowflakeLocal;
  readonly clock: ManualClock;
  readonly bucket: string;
  /** The floe config (as a plain object: write it as YAML/JSON for the CLI, or parse it in-process). */
  readonly rawConfig: Record<string, unknown>;
  /** The environment the config's secrets and the S3 credentials come from. */
  readonly env: Readonly<Record<string, string>>;
  /** The config parsed with {@link env}. */
  readonly config: FloeConfig;
  /** The distinct order days of the loaded data, oldest first (`YYYY-MM-DD`). */
  salesDays(): Promise<string[]>;
  /** Moves the endpoint's clock a day ahead (past any daily CRON time) and runs the due tasks. */
  runTasks(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartLocalStackOptions {
  readonly data: StackData;
  /** Called after each start-up phase (for the demo's phase timings). */
  readonly onPhase?: (phase: string, ms: number) => void;
  /** `run.parallel` of the generated config (days extracted at once). */
  readonly parallel?: number;
}

const SERVICE_USER = 'FLOE_SVC';
const ADMIN_USER = 'FLOE_ADMIN';

/**
 * Starts the three services, loads the sales table, and signs the floe service user up for key-pair
 * authentication the way an administrator would in production (ALTER USER ... SET RSA_PUBLIC_KEY,
 * run as an admin who signs in with a password). S3 object events are wired to the endpoint, like
 * S3 → SQS → Snowpipe; the endpoint routes them only once the bucket notification is applied.
 */
export async function startLocalStack(opts: StartLocalStackOptions): Promise<LocalStack> {
  const phase = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    const r = await work();
    opts.onPhase?.(name, Date.now() - t0);
    return r;
  };
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    const postgres = await phase('start PostgreSQL', () => startPostgres());
    stops.push(() => postgres.stop());
    const databaseUrl = await postgres.createDatabase('floe_demo');
    await phase(opts.data.kind === 'kaggle' ? 'load the Kaggle CSV' : 'generate sales rows', async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        await createSalesTable(client);
        if (opts.data.kind === 'kaggle') await loadKaggleCsv(client, opts.data.csvPath);
        else await loadGeneratedSales(client, {});
      } finally {
        await client.end();
      }
    });

    const bucket = 'floe-demo';
    const s3 = await phase('start S3 (s3rver)', () => startS3({ buckets: [bucket] }));
    stops.push(() => s3.stop());

    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    const adminPassword = randomBytes(12).toString('hex');
    // Tasks run on this clock: the demo moves it past the task's CRON time instead of waiting.
    const clock = new ManualClock(new Date());
    const snowflake = await phase('start the local Snowflake endpoint', () =>
      startSnowflakeLocal({
        port: 0,
        clock,
        users: [
          { name: ADMIN_USER, password: adminPassword, role: 'ACCOUNTADMIN' },
          { name: SERVICE_USER, role: 'FLOE_ROLE' },
        ],
        s3: { endpoint: s3.endpoint, region: s3.region, credentials: s3.credentials, forcePathStyle: true },
      }),
    );
    stops.push(() => snowflake.stop());
    s3.onEvent((e) => {
      void Promise.resolve(snowflake.deliverS3Event(e)).catch(() => undefined);
    });

    const pgUrl = new URL(databaseUrl);
    const pgPassword = decodeURIComponent(pgUrl.password);
    pgUrl.password = '';
    const rawConfig: Record<string, unknown> = {
      source: { url: pgUrl.toString(), passwordEnv: 'FLOE_DEMO_PGPASSWORD' },
      tables: [{ name: 'sales', source: { schema: 'public', table: 'sales' }, window: { kind: 'day', column: 'orderdate', timeZone: 'UTC' }, format: 'csv' }],
      storage: { kind: 's3', bucket, prefix: 'floe', region: s3.region, endpoint: s3.endpoint, forcePathStyle: true },
      snowflake: {
        account: snowflake.account,
        accessUrl: snowflake.accessUrl,
        user: SERVICE_USER,
        role: 'FLOE_ROLE',
        warehouse: 'FLOE_WH',
        database: 'FLOE_DEMO',
        schema: 'PUBLIC',
        auth: { kind: 'keypair', privateKeyEnv: 'FLOE_DEMO_PRIVATE_KEY' },
        roleArn: 'arn:aws:iam::123456789012:role/floe-demo-snowflake',
        task: { schedule: '0 2 * * *', timeZone: 'UTC' },
      },
      run: { timeZone: 'UTC', parallel: opts.parallel ?? 4 },
    };
    const env: Record<string, string> = {
      FLOE_DEMO_PGPASSWORD: pgPassword,
      FLOE_DEMO_PRIVATE_KEY: privateKey,
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      AWS_REGION: s3.region,
    };

    await phase('register the key pair (ALTER USER ... SET RSA_PUBLIC_KEY)', async () => {
      const adminConfig = parseConfig({ ...rawConfig, snowflake: { ...(rawConfig['snowflake'] as object), user: ADMIN_USER, role: 'ACCOUNTADMIN', auth: { kind: 'password', passwordEnv: 'FLOE_DEMO_ADMIN_PASSWORD' } } }, { ...env, FLOE_DEMO_ADMIN_PASSWORD: adminPassword });
      if (adminConfig.isErr()) throw adminConfig.error;
      const admin = await connectSnowflake(adminConfig.value, { loginRetries: 0 });
      if (admin.isErr()) throw admin.error;
      try {
        const step = rsaPublicKeyStep(SERVICE_USER, publicKey);
        const done = await admin.value.execute(step.sql);
        if (done.isErr()) throw done.error;
      } finally {
        await admin.value.close();
      }
    });

    const config = parseConfig(rawConfig, env);
    if (config.isErr()) throw config.error;
    const salesDays = async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        const r = await client.query<{ d: string }>("SELECT DISTINCT to_char(orderdate::date, 'YYYY-MM-DD') AS d FROM public.sales ORDER BY 1");
        return r.rows.map((x) => x.d);
      } finally {
        await client.end();
      }
    };
    const runTasks = async () => {
      clock.advance(24 * 3600 * 1000 + 60_000);
      const runs = await snowflake.runDueTasks();
      // A task that fails leaves SALES / INVOICES / ITEMS stale: say so rather than print old counts.
      const failed = runs.find((r) => r.state === 'FAILED');
      if (failed) throw new Error(`The task ${failed.name} failed on the local Snowflake endpoint: ${failed.errorMessage ?? 'no message'}`);
    };
    return { postgres, s3, snowflake, clock, bucket, rawConfig, env, config: config.value, salesDays, runTasks, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
