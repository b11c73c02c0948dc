/**
 * The config → Snowflake setup mapping with more than one table: each table gets its own stage
 * path, landing table, pipe, and a bucket notification to its own pipe's queue (never another's).
 */
import { describe, expect, it } from 'vitest';
import type { Result } from 'neverthrow';
import type { DerivedTableSpec } from '@floe/snowflake-ddl';
import type { PipeChannel } from '../src/snowflake/snowflake-provisioner.js';
import type { TableSchema } from '../src/contracts/schema.js';
import { parseConfig } from '../src/config/config-load.js';
import { formatError, isFloeError, type FloeError } from '../src/errors.js';
import { provisionSetup, snowflakeSetupFromConfig } from '../src/snowflake/snowflake-setup.js';

function unwrap<T>(r: Result<T, FloeError>): T {
  if (r.isErr()) throw new Error(formatError(r.error));
  return r.value;
}

const table = (name: string, columns: TableSchema['columns']): TableSchema => ({ schema: 'public', name, columns, primaryKey: [columns[0]!.name] });
const ORDERS = table('orders', [
  { name: 'order_id', pgType: 'bigint', baseType: 'int8', isArray: false, nullable: false },
  { name: 'total', pgType: 'numeric(12,2)', baseType: 'numeric', isArray: false, nullable: false, precision: 12, scale: 2 },
  { name: 'ordered_at', pgType: 'timestamp with time zone', baseType: 'timestamptz', isArray: false, nullable: false },
]);
const CUSTOMERS = table('customers', [
  { name: 'customer_id', pgType: 'bigint', baseType: 'int8', isArray: false, nullable: false },
  { name: 'name', pgType: 'text', baseType: 'text', isArray: false, nullable: true },
]);

const config = unwrap(
  parseConfig(
    {
      source: { url: 'postgres://floe@127.0.0.1/shop' },
      tables: [
        { name: 'orders', source: { table: 'orders' }, window: { kind: 'day', column: 'ordered_at' }, primaryKey: ['order_id'] },
        { name: 'customers', source: { table: 'customers' }, window: { kind: 'full' }, primaryKey: ['customer_id'] },
      ],
      storage: { kind: 's3', bucket: 'floe-two', prefix: 'floe' },
      snowflake: {
        account: 'xy12345',
        user: 'FLOE_SVC',
        role: 'FLOE_ADMIN',
        warehouse: 'FLOE_WH',
        database: 'ANALYTICS',
        schema: 'SHOP',
        auth: { kind: 'keypair', privateKeyEnv: 'SF_KEY' },
        roleArn: 'arn:aws:iam::123456789012:role/floe-snowflake',
      },
    },
    { SF_KEY: 'unused' },
    { requireSecrets: [] },
  ),
);

const QUEUE_ORDERS = 'arn:aws:sqs:us-east-1:123456789012:sf-snowpipe-AIDAORDERS-aaaa';
const QUEUE_CUSTOMERS = 'arn:aws:sqs:us-east-1:123456789012:sf-snowpipe-AIDACUSTOMERS-bbbb';

describe('snowflakeSetupFromConfig / provisionSetup with two tables', () => {
  const setup = unwrap(snowflakeSetupFromConfig(config, { orders: ORDERS, customers: CUSTOMERS }));
  const provision = unwrap(provisionSetup(setup));

  it('gives each table its own path, landing table, target, pipe, stream and task', () => {
    expect(setup.tables.map((t) => [t.path, t.landing, t.target, t.pipe, t.stream, t.task, t.keys])).toEqual([
      ['orders', 'ORDERS_LANDING', 'ORDERS', 'ORDERS_PIPE', 'ORDERS_LANDING_STREAM', 'ORDERS_MERGE', ['order_id']],
      ['customers', 'CUSTOMERS_LANDING', 'CUSTOMERS', 'CUSTOMERS_PIPE', 'CUSTOMERS_LANDING_STREAM', 'CUSTOMERS_MERGE', ['customer_id']],
    ]);
    expect(setup.tables.map((t) => t.source)).toEqual([ORDERS, CUSTOMERS]);
    expect(setup.s3).toEqual({ bucket: 'floe-two', prefix: 'floe' });
  });

  it('plans one pipe per table, each copying its own stage path into its own landing table', () => {
    const pipes = provision.steps.filter((s) => /^CREATE PIPE/i.test(s.sql)).map((s) => s.sql);
    expect(pipes).toHaveLength(2);
    expect(pipes[0]).toMatch(/"ANALYTICS"\."SHOP"\."ORDERS_PIPE"[\s\S]*COPY INTO "ANALYTICS"\."SHOP"\."ORDERS_LANDING"[\s\S]*@"ANALYTICS"\."SHOP"\."FLOE_STAGE"\/orders\//);
    expect(pipes[1]).toMatch(/"ANALYTICS"\."SHOP"\."CUSTOMERS_PIPE"[\s\S]*COPY INTO "ANALYTICS"\."SHOP"\."CUSTOMERS_LANDING"[\s\S]*@"ANALYTICS"\."SHOP"\."FLOE_STAGE"\/customers\//);
    expect(provision.steps.filter((s) => s.object.type === 'PIPE' && /^DESC/i.test(s.sql)).map((s) => s.object.name)).toEqual(['"ANALYTICS"."SHOP"."ORDERS_PIPE"', '"ANALYTICS"."SHOP"."CUSTOMERS_PIPE"']);
  });

  it("notifies each table's path to its own pipe's queue, whatever the order of the channels", () => {
    const channels: PipeChannel[] = [
      { pipe: '"ANALYTICS"."SHOP"."CUSTOMERS_PIPE"', notificationChannel: QUEUE_CUSTOMERS },
      { pipe: '"ANALYTICS"."SHOP"."ORDERS_PIPE"', notificationChannel: QUEUE_ORDERS },
    ];
    const built = provision.bucketNotification!(channels);
    expect(built).toEqual({
      bucket: 'floe-two',
      configuration: {
        QueueConfigurations: [
          { Id: 'floe-orders', QueueArn: QUEUE_ORDERS, Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'floe/orders/' }, { Name: 'suffix', Value: '.csv.gz' }] } } },
          { Id: 'floe-customers', QueueArn: QUEUE_CUSTOMERS, Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'floe/customers/' }, { Name: 'suffix', Value: '.csv.gz' }] } } },
        ],
      },
    });
    // SHOW PIPES prints bare names: they match too.
    expect(provision.bucketNotification!([{ pipe: 'CUSTOMERS_PIPE', notificationChannel: QUEUE_CUSTOMERS }, { pipe: 'ORDERS_PIPE', notificationChannel: QUEUE_ORDERS }])).toEqual(built);
  });

  it("refuses to borrow another pipe's queue when one pipe's channel is missing", () => {
    let thrown: unknown;
    try {
      provision.bucketNotification!([{ pipe: '"ANALYTICS"."SHOP"."ORDERS_PIPE"', notificationChannel: QUEUE_ORDERS }]);
    } catch (e) {
      thrown = e;
    }
    expect(isFloeError(thrown)).toBe(true);
    expect(thrown).toMatchObject({ kind: 'internal', object: 'CUSTOMERS_PIPE' });
    expect((thrown as FloeError).message).toContain('table customers');
  });

  it('a config without tables is a config error, not a crash', () => {
    const e = snowflakeSetupFromConfig({ ...config, tables: [] }, {})._unsafeUnwrapErr();
    expect([e.kind, e.object]).toEqual(['config', 'tables']);
  });

  it('puts the extras (derived tables, star schema) on the table they are keyed by only', () => {
    const derived: DerivedTableSpec[] = [
      { name: 'ORDER_DAYS', keys: ['order_id'], columns: [{ name: 'order_id', type: { name: 'NUMBER', precision: 19, scale: 0 } }], select: (ctx) => `SELECT ${ctx.ident('order_id')} FROM ${ctx.source} AS x` },
    ];
    const withExtras = unwrap(snowflakeSetupFromConfig(config, { orders: ORDERS, customers: CUSTOMERS }, { derived: { orders: derived, customers: [] } }));
    expect(withExtras.tables.map((t) => [t.path, t.derived, t.star])).toEqual([
      ['orders', derived, undefined],
      ['customers', undefined, undefined],
    ]);
  });
});
