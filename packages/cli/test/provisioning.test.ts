/**
 * The CLI provisions through core's one config → Snowflake setup mapping. With two tables, the
 * setup, the DDL, `floe iam`'s bucket notification and `floe provision` give each table its own
 * stage path, landing table and pipe, and notify each path to its own pipe's queue. The tables are
 * described from a real PostgreSQL; Snowflake is a scripted session that gives each pipe a
 * different queue, so a notification pointing at the wrong pipe shows.
 */
import { errAsync, okAsync, type Result } from 'neverthrow';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { floeError, formatError, parseConfig, provisionSetup, snowflakeSetupFromConfig, type FloeConfig, type FloeError, type PipeChannel, type SnowflakeSession } from '@floe/core';
import { INVOICES, ITEMS, SALES_DDL, SALES_STAR } from '@floe/example-sales';
import type { FloeSnowflakeSetup } from '@floe/snowflake-ddl';
import { startPostgres, type LocalPostgres } from '@floe/testkit';
import { describeTables, permissionsPolicy, pipeNotification, provision, setupSteps, snowflakeSetup } from '../src/provisioning.js';

function unwrap<T>(r: Result<T, FloeError>): T {
  if (r.isErr()) throw new Error(formatError(r.error));
  return r.value;
}

const QUEUE: Record<string, string> = {
  SALES_PIPE: 'arn:aws:sqs:us-east-1:123456789012:sf-snowpipe-AIDASALES-1111',
  ORDERS_PIPE: 'arn:aws:sqs:us-east-1:123456789012:sf-snowpipe-AIDAORDERS-2222',
  CUSTOMERS_PIPE: 'arn:aws:sqs:us-east-1:123456789012:sf-snowpipe-AIDACUSTOMERS-3333',
};

/** Snowflake answering from a script: each pipe its own queue; `absent` pipes do not exist yet. */
function scriptedSnowflake(absent: readonly string[] = [], unreachable = false) {
  const ran: string[] = [];
  const answer = (sql: string): Array<Record<string, unknown>> | FloeError => {
    ran.push(sql);
    const pipe = /^DESC(?:RIBE)? PIPE .*"([A-Z_]+)"$/i.exec(sql)?.[1];
    if (pipe !== undefined) {
      if (unreachable) return floeError('snowflake_unreachable', 'Lost the connection to Snowflake.', 'Retry.', { object: pipe });
      if (absent.includes(pipe)) return floeError('snowflake_sql', `Pipe '${pipe}' does not exist or not authorized.`, 'Run floe provision.', { object: pipe });
      return [{ name: pipe, notification_channel: QUEUE[pipe] }];
    }
    if (/^DESC(?:RIBE)? (STORAGE )?INTEGRATION/i.test(sql)) {
      return [
        { property: 'STORAGE_AWS_IAM_USER_ARN', property_value: 'arn:aws:iam::210987654321:user/abc1-s-v2st0000' },
        { property: 'STORAGE_AWS_EXTERNAL_ID', property_value: 'AB12345_SFCRole=2_abcdef' },
      ];
    }
    return [];
  };
  const session: SnowflakeSession = {
    query: <T extends object>(sql: string) => {
      const a = answer(sql);
      return Array.isArray(a) ? okAsync(a as T[]) : errAsync(a);
    },
    execute: (sql) => {
      const a = answer(sql);
      return Array.isArray(a) ? okAsync(undefined) : errAsync(a);
    },
    close: () => okAsync(undefined),
  };
  return { session, ran };
}

let server: LocalPostgres;
let url: string;
let env: Record<string, string>;

const TABLE = {
  sales: { name: 'sales', source: { table: 'sales' }, window: { kind: 'day', column: 'orderdate' }, primaryKey: ['ordernumber', 'orderlinenumber'] },
  orders: { name: 'orders', source: { table: 'orders' }, window: { kind: 'day', column: 'ordered_at' }, primaryKey: ['order_id'] },
  customers: { name: 'customers', source: { table: 'customers' }, window: { kind: 'full' }, primaryKey: ['customer_id'] },
};

function configOf(...tables: Array<keyof typeof TABLE>): FloeConfig {
  return unwrap(
    parseConfig(
      {
        source: { url },
        tables: tables.map((t) => TABLE[t]),
        storage: { kind: 's3', bucket: 'floe-two-tables', prefix: 'exports/floe', region: 'us-east-1' },
        snowflake: {
          account: 'xy12345',
          user: 'FLOE_SVC',
          role: 'FLOE_ADMIN',
          warehouse: 'FLOE_WH',
          database: 'ANALYTICS',
          schema: 'SHOP',
          auth: { kind: 'keypair', privateKeyEnv: 'SF_KEY' },
          roleArn: 'arn:aws:iam::123456789012:role/floe-snowflake',
          loaderRole: 'FLOE_LOADER',
        },
      },
      env,
      { requireSecrets: ['source'] },
    ),
  );
}

/** The notification entry of one table path, as S3 receives it. */
const queueFor = (path: string, pipe: string) => ({
  Id: `floe-${path}`,
  QueueArn: QUEUE[pipe],
  Events: ['s3:ObjectCreated:*'],
  Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: `exports/floe/${path}/` }, { Name: 'suffix', Value: '.csv.gz' }] } },
});

beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase('shop');
  url = `postgres://${server.user}@${server.host}:${server.port}/shop`;
  env = { PGPASSWORD: server.password };
  const client = new pg.Client({ connectionString: server.url('shop') });
  await client.connect();
  await client.query(SALES_DDL);
  await client.query('create table orders (order_id bigint primary key, total numeric(12,2) not null, ordered_at timestamptz not null)');
  await client.query('create table customers (customer_id bigint primary key, name text)');
  await client.end();
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe('two tables: the CLI maps the config through core', () => {
  let plain: { config: FloeConfig; setup: FloeSnowflakeSetup };
  let preset: { config: FloeConfig; setup: FloeSnowflakeSetup };

  beforeAll(async () => {
    const plainConfig = configOf('orders', 'customers');
    const presetConfig = configOf('sales', 'customers');
    plain = { config: plainConfig, setup: unwrap(snowflakeSetup(plainConfig, unwrap(await describeTables(plainConfig)))) };
    preset = { config: presetConfig, setup: unwrap(snowflakeSetup(presetConfig, unwrap(await describeTables(presetConfig)))) };
  });

  it("equals core's snowflakeSetupFromConfig for the same config and described tables", async () => {
    const schemas = Object.fromEntries(unwrap(await describeTables(plain.config)));
    expect(Object.keys(schemas)).toEqual(['orders', 'customers']);
    expect(plain.setup).toEqual(unwrap(snowflakeSetupFromConfig(plain.config, schemas)));
    expect(plain.setup.tables.map((t) => [t.path, t.landing, t.target, t.pipe, t.stream, t.task, t.source.columns.map((c) => c.name)])).toEqual([
      ['orders', 'ORDERS_LANDING', 'ORDERS', 'ORDERS_PIPE', 'ORDERS_LANDING_STREAM', 'ORDERS_MERGE', ['order_id', 'total', 'ordered_at']],
      ['customers', 'CUSTOMERS_LANDING', 'CUSTOMERS', 'CUSTOMERS_PIPE', 'CUSTOMERS_LANDING_STREAM', 'CUSTOMERS_MERGE', ['customer_id', 'name']],
    ]);
  });

  it("adds the sales preset (INVOICES, ITEMS, the star) as core's extras, to the sales table only", async () => {
    const schemas = Object.fromEntries(unwrap(await describeTables(preset.config)));
    expect(preset.setup).toEqual(unwrap(snowflakeSetupFromConfig(preset.config, schemas, { derived: { sales: [INVOICES, ITEMS] }, star: { sales: SALES_STAR } })));
    expect(preset.setup.tables.map((t) => [t.path, t.landing, t.pipe, t.derived?.map((d) => d.name), t.star?.fact.name])).toEqual([
      ['sales', 'SALES_LANDING', 'SALES_PIPE', [INVOICES.name, ITEMS.name], SALES_STAR.fact.name],
      ['customers', 'CUSTOMERS_LANDING', 'CUSTOMERS_PIPE', undefined, undefined],
    ]);
  });

  it("floe ddl: core's steps, one pipe per table copying its own stage path into its own landing table", () => {
    const steps = unwrap(setupSteps(preset.setup));
    expect(steps).toEqual(unwrap(provisionSetup(preset.setup)).steps);
    const pipes = steps.filter((s) => /^CREATE PIPE/i.test(s.sql)).map((s) => s.sql);
    expect(pipes).toHaveLength(2);
    expect(pipes[0]).toMatch(/"ANALYTICS"\."SHOP"\."SALES_PIPE"[\s\S]*COPY INTO "ANALYTICS"\."SHOP"\."SALES_LANDING"[\s\S]*@"ANALYTICS"\."SHOP"\."FLOE_STAGE"\/sales\//);
    expect(pipes[1]).toMatch(/"ANALYTICS"\."SHOP"\."CUSTOMERS_PIPE"[\s\S]*COPY INTO "ANALYTICS"\."SHOP"\."CUSTOMERS_LANDING"[\s\S]*@"ANALYTICS"\."SHOP"\."FLOE_STAGE"\/customers\//);
    const teardown = unwrap(setupSteps(preset.setup, true)).filter((s) => /^DROP PIPE/i.test(s.sql)).map((s) => s.object.name);
    expect(teardown.sort()).toEqual(['"ANALYTICS"."SHOP"."CUSTOMERS_PIPE"', '"ANALYTICS"."SHOP"."SALES_PIPE"']);
  });

  it("floe iam: the permissions policy is core's; the notification sends each path to its own pipe's queue", async () => {
    expect(unwrap(permissionsPolicy(plain.setup))).toEqual(unwrap(provisionSetup(plain.setup)).permissionsPolicy);
    const { session, ran } = scriptedSnowflake();
    const got = unwrap(await pipeNotification(plain.setup, session));
    expect(ran).toEqual(['DESC PIPE "ANALYTICS"."SHOP"."ORDERS_PIPE"', 'DESC PIPE "ANALYTICS"."SHOP"."CUSTOMERS_PIPE"']);
    expect(got.missing).toEqual([]);
    expect(got.notification).toEqual({ bucket: 'floe-two-tables', configuration: { QueueConfigurations: [queueFor('orders', 'ORDERS_PIPE'), queueFor('customers', 'CUSTOMERS_PIPE')] } });
    // Exactly what core builds from the same channels (the one mapping provision uses too).
    expect(got.notification).toEqual(unwrap(provisionSetup(plain.setup)).bucketNotification!(got.channels as PipeChannel[]));
  });

  it('floe iam: a pipe not provisioned yet gives no notification document, and says which pipe', async () => {
    const { session } = scriptedSnowflake(['CUSTOMERS_PIPE']);
    const got = unwrap(await pipeNotification(plain.setup, session));
    expect(got.notification).toBeUndefined();
    expect(got.channels).toEqual([{ pipe: '"ANALYTICS"."SHOP"."ORDERS_PIPE"', notificationChannel: QUEUE['ORDERS_PIPE'] }]);
    expect(got.missing.map((m) => m.pipe)).toEqual(['"ANALYTICS"."SHOP"."CUSTOMERS_PIPE"']);
  });

  it('floe iam: a lost connection is a failure, not a pipe to provision', async () => {
    const { session } = scriptedSnowflake([], true);
    expect((await pipeNotification(plain.setup, session))._unsafeUnwrapErr().kind).toBe('snowflake_unreachable');
  });

  it('floe provision: creates both pipes and applies a notification with each pipe on its own path', async () => {
    const { session, ran } = scriptedSnowflake();
    const applied: Array<{ bucket: string; configuration: unknown }> = [];
    const outcome = unwrap(
      await provision(preset.config, session, {
        applyBucketNotification: (bucket, configuration) => {
          applied.push({ bucket, configuration });
          return okAsync(undefined);
        },
      }),
    );
    expect(ran.filter((sql) => /^CREATE PIPE/i.test(sql)).map((sql) => /^CREATE PIPE IF NOT EXISTS (\S+)/i.exec(sql)?.[1])).toEqual(['"ANALYTICS"."SHOP"."SALES_PIPE"', '"ANALYTICS"."SHOP"."CUSTOMERS_PIPE"']);
    const expected = { QueueConfigurations: [queueFor('sales', 'SALES_PIPE'), queueFor('customers', 'CUSTOMERS_PIPE')] };
    expect(applied).toEqual([{ bucket: 'floe-two-tables', configuration: expected }]);
    expect(outcome.report?.documents['bucketNotification']).toEqual(expected);
    expect(outcome.report?.documents['pipes']).toEqual([
      { pipe: '"ANALYTICS"."SHOP"."SALES_PIPE"', notificationChannel: QUEUE['SALES_PIPE'] },
      { pipe: '"ANALYTICS"."SHOP"."CUSTOMERS_PIPE"', notificationChannel: QUEUE['CUSTOMERS_PIPE'] },
    ]);
  });
});
