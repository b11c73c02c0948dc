/**
 * A config with two tables, end to end through the built CLI on local services: `floe provision`
 * creates a stage path, landing table, pipe and task per table and notifies each path to its own
 * pipe; `floe iam` prints the same notification; one `floe run` then lands each table's rows in
 * its own Snowflake table (none crossed over), sales read over two connections (`split`).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectSnowflake, type SnowflakeSession } from '@floe/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../src/demo/local-stack.js';
import { ensureBuilt, runCli } from './cli-process.js';

let stack: LocalStack;
let session: SnowflakeSession;
let dir: string;
let configPath: string;
let day: string;
let pgCounts: { sales: string; customers: string; countries: string };

const floe = (...args: string[]) => runCli([...args, '--config', configPath], { env: stack.env, timeoutMs: 200_000 });

async function one(text: string): Promise<string> {
  const r = await session.query<Record<string, unknown>>(text);
  if (r.isErr()) throw new Error(`${r.error.message}\n${text}`);
  return String(Object.values(r.value[0] ?? {})[0]);
}

interface QueueEntry {
  Id: string;
  QueueArn: string;
  Filter: { Key: { FilterRules: Array<{ Name: string; Value: string }> } };
}

beforeAll(async () => {
  ensureBuilt();
  stack = await startLocalStack({ data: { kind: 'generated' }, parallel: 1 });
  day = (await stack.salesDays())[0]!;
  const client = new pg.Client({ connectionString: stack.postgres.url('floe_demo') });
  await client.connect();
  try {
    await client.query('create table public.customers (customername text primary key, country text not null)');
    await client.query('insert into public.customers select customername, max(country) from public.sales group by customername');
    const count = async (text: string) => String(((await client.query<{ n: string }>(text)).rows[0] ?? { n: '?' }).n);
    pgCounts = {
      sales: await count(`select count(*)::text as n from public.sales where orderdate >= '${day}' and orderdate < date '${day}' + 1`),
      customers: await count('select count(*)::text as n from public.customers'),
      countries: await count('select count(distinct country)::text as n from public.customers'),
    };
  } finally {
    await client.end();
  }
  // sales is read over two connections (split by ordernumber ranges in one exported snapshot).
  const tables = [
    ...(stack.rawConfig['tables'] as Array<Record<string, unknown>>).map((t) => (t['name'] === 'sales' ? { ...t, split: { slices: 2, key: 'ordernumber' } } : t)),
    { name: 'customers', source: { schema: 'public', table: 'customers' }, window: { kind: 'full' }, format: 'csv', primaryKey: ['customername'] },
  ];
  dir = await mkdtemp(join(tmpdir(), 'floe-cli-two-'));
  configPath = join(dir, 'floe.config.json');
  await writeFile(configPath, JSON.stringify({ ...stack.rawConfig, tables }, null, 2));
  const s = await connectSnowflake(stack.config, { loginRetries: 0 });
  if (s.isErr()) throw new Error(s.error.message);
  session = s.value;
}, 180_000);

afterAll(async () => {
  await session?.close();
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('two tables through the CLI', () => {
  let provisioned: { pipes: Array<{ pipe: string; notificationChannel: string }>; bucketNotification: { QueueConfigurations: QueueEntry[] } };

  it("provision: one pipe per table, each table path notified to its own pipe's queue", async () => {
    const r = await floe('provision', '--create-warehouse', '--json');
    expect(r.code, r.stderr).toBe(0);
    const body = JSON.parse(r.stdout) as { documents: typeof provisioned };
    provisioned = body.documents;
    expect(provisioned.pipes.map((p) => p.pipe)).toEqual(['"FLOE_DEMO"."PUBLIC"."SALES_PIPE"', '"FLOE_DEMO"."PUBLIC"."CUSTOMERS_PIPE"']);
    const channelOf = new Map(provisioned.pipes.map((p) => [p.pipe, p.notificationChannel]));
    expect(provisioned.bucketNotification.QueueConfigurations.map((q) => [q.Id, q.QueueArn, q.Filter.Key.FilterRules.map((f) => f.Value)])).toEqual([
      ['floe-sales', channelOf.get('"FLOE_DEMO"."PUBLIC"."SALES_PIPE"'), ['floe/sales/', '.csv.gz']],
      ['floe-customers', channelOf.get('"FLOE_DEMO"."PUBLIC"."CUSTOMERS_PIPE"'), ['floe/customers/', '.csv.gz']],
    ]);
    const pipes = await session.query<{ name: string; definition: string }>('SHOW PIPES IN SCHEMA "FLOE_DEMO"."PUBLIC"');
    expect(pipes.isOk()).toBe(true);
    const definitions = new Map(pipes._unsafeUnwrap().map((p) => [p.name, p.definition]));
    expect(definitions.get('SALES_PIPE')).toMatch(/SALES_LANDING[\s\S]*\/sales\//);
    expect(definitions.get('CUSTOMERS_PIPE')).toMatch(/CUSTOMERS_LANDING[\s\S]*\/customers\//);
  }, 200_000);

  it('iam prints the same per-pipe notification as provision applied', async () => {
    const r = await floe('iam', '--json');
    expect(r.code, r.stderr).toBe(0);
    const docs = JSON.parse(r.stdout) as { pipes: unknown; bucketNotification: unknown; notes: string[] };
    expect(docs.notes).toEqual([]);
    expect(docs.pipes).toEqual(provisioned.pipes);
    expect(docs.bucketNotification).toEqual(provisioned.bucketNotification);
  }, 200_000);

  it("one run lands each table's rows in its own table", async () => {
    const r = await floe('run', '--date', day, '--json');
    expect(r.code, r.stderr).toBe(0);
    const runs = (JSON.parse(r.stdout) as { runs: Array<{ table: string; rows: number; files: number }> }).runs;
    const salesRun = runs.find((x) => x.table === 'sales');
    // One part per slice (a day's rows are far below the part bounds), the rows of both together.
    expect(salesRun?.files).toBe(2);
    expect(String(salesRun?.rows)).toBe(pgCounts.sales);
    await stack.snowflake.drainPipes();
    await stack.runTasks();
    expect({
      sales: await one('SELECT COUNT(*) FROM FLOE_DEMO.PUBLIC.SALES'),
      customers: await one('SELECT COUNT(*) FROM FLOE_DEMO.PUBLIC.CUSTOMERS'),
      countries: await one('SELECT COUNT(DISTINCT COUNTRY) FROM FLOE_DEMO.PUBLIC.CUSTOMERS'),
      // Every landed customers file came from the customers path, and every sales file from sales.
      strayCustomers: await one("SELECT COUNT(*) FROM FLOE_DEMO.PUBLIC.CUSTOMERS_LANDING WHERE _FLOE_FILE NOT LIKE '%customers/%'"),
      straySales: await one("SELECT COUNT(*) FROM FLOE_DEMO.PUBLIC.SALES_LANDING WHERE _FLOE_FILE NOT LIKE '%sales/dt=%'"),
    }).toEqual({ ...pgCounts, strayCustomers: '0', straySales: '0' });
    expect(Number(pgCounts.sales)).toBeGreaterThan(0);
    expect(Number(pgCounts.customers)).toBeGreaterThan(1);
  }, 200_000);
});
