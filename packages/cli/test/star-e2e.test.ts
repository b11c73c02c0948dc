/**
 * The sales star schema end to end on local services, with the real data set and the sales table
 * extracted by cursor (updated_at): PostgreSQL → floe's run (the same runDays `floe run` uses) →
 * S3 (s3rver) → Snowpipe → landing → stream → the one task transaction → SALES, INVOICES, ITEMS,
 * DIM_CUSTOMER, DIM_PRODUCT, DIM_DATE, FACT_SALES. Then a customer moves in PostgreSQL: the next
 * run opens a new version and closes the old one at the new order's date.
 */
import { ResultAsync } from 'neverthrow';
import pg from 'pg';
import { createSnowflakeProvisioner, floeError, parseConfig, provisionSetup, type FloeConfig, type SnowflakeSession } from '@floe/core';
import { SALES_STAR } from '@floe/example-sales';
import { starChecks, type FloeSnowflakeSetup } from '@floe/snowflake-ddl';
import { SALES_CSV_MISSING, salesCsvPath } from '@floe/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSnowflake } from '@floe/core';
import { startLocalStack, type LocalStack } from '../src/demo/local-stack.js';
import { runDays } from '../src/day-runner.js';
import { describeTables, snowflakeSetup } from '../src/provisioning.js';
import type { RunOutcome } from '../src/run-outcome.js';

const csv = salesCsvPath();
const CUSTOMER = 'Mini Gifts Distributors Ltd.';
const MOVED_ON = '2005-06-15';
const T = (name: string): string => `FLOE_DEMO.PUBLIC.${name}`;

let stack: LocalStack;
let config: FloeConfig;
let setup: FloeSnowflakeSetup;
let session: SnowflakeSession;

async function rows<R extends object = Record<string, unknown>>(text: string): Promise<R[]> {
  const r = await session.query<R>(text);
  if (r.isErr()) throw new Error(`${r.error.message}\n${text}`);
  return r.value;
}
const one = async (text: string): Promise<string> => String(Object.values((await rows(text))[0] ?? {})[0]);

/** `floe run` for the cursor table: everything above the stored watermark. */
async function run(): Promise<RunOutcome> {
  const silent = { start() {}, increment() {}, stop() {} };
  const [outcome] = await runDays({ config, tables: config.tables, days: [''], parallel: 1, force: true, skipPublished: false, progress: silent });
  if (outcome?.status !== 'ok') throw new Error(`the run failed: ${outcome?.error?.message ?? outcome?.reason ?? 'no outcome'}`);
  return outcome;
}

/** Snowpipe loads the new files; the task runs once (the clock moved past its CRON time). */
async function ingest(): Promise<void> {
  await stack.snowflake.drainPipes();
  await stack.runTasks();
}

async function expectInvariants(): Promise<void> {
  const checks = starChecks(setup);
  expect(checks.length).toBeGreaterThanOrEqual(10);
  for (const c of checks) expect(await one(c.sql), `${c.table}: ${c.check}`).toBe('0');
}

describe.skipIf(!csv)(`star schema end to end, cursor mode, real data set${csv ? '' : ` (skipped: ${SALES_CSV_MISSING})`}`, () => {
  beforeAll(async () => {
    stack = await startLocalStack({ data: { kind: 'kaggle', csvPath: csv! }, parallel: 1 });
    // The run's S3 client reads its credentials the standard AWS way, from the environment.
    for (const [k, v] of Object.entries(stack.env)) if (k.startsWith('AWS_')) process.env[k] ??= v;
    const tables = (stack.rawConfig['tables'] as Array<Record<string, unknown>>).map((t) => ({ ...t, window: { kind: 'cursor', column: 'updated_at' } }));
    const parsed = parseConfig({ ...stack.rawConfig, tables }, stack.env);
    if (parsed.isErr()) throw new Error(parsed.error.message);
    config = parsed.value;
    const s = await connectSnowflake(config, { loginRetries: 0 });
    if (s.isErr()) throw new Error(s.error.message);
    session = s.value;

    // What `floe provision` does: the sales preset brings the star (presets.ts, starSchemaFor).
    const schemas = await describeTables(config);
    if (schemas.isErr()) throw new Error(schemas.error.message);
    const base = snowflakeSetup(config, schemas.value, { createWarehouse: true });
    if (base.isErr()) throw new Error(base.error.message);
    setup = base.value;
    expect(setup.tables[0]?.star).toBe(SALES_STAR);
    const steps = provisionSetup(setup);
    if (steps.isErr()) throw new Error(steps.error.message);
    const provisioner = createSnowflakeProvisioner({
      session,
      setup: steps.value,
      applyBucketNotification: (bucket, json) =>
        ResultAsync.fromPromise(Promise.resolve(stack.snowflake.setBucketNotification(bucket, json)), (e) => floeError('snowflake_sql', String(e), 'test wiring', { object: bucket })).map(() => undefined),
    });
    const applied = await provisioner.plan().andThen((plan) => provisioner.apply(plan));
    if (applied.isErr()) throw new Error(applied.error.message);
  }, 240_000);

  afterAll(async () => {
    await session?.close();
    await stack?.stop();
  });

  it('builds the star from the real data set: 92 customers, 109 products, 2823 facts, SUM(SALES) exact', async () => {
    expect((await run()).report?.rows).toBe(2823);
    await ingest();
    expect(await one(`SELECT COUNT(*) FROM ${T('DIM_CUSTOMER')} WHERE IS_CURRENT`)).toBe('92');
    expect(await one(`SELECT COUNT(*) FROM ${T('DIM_PRODUCT')} WHERE IS_CURRENT`)).toBe('109');
    expect(await one(`SELECT COUNT(*) FROM ${T('FACT_SALES')}`)).toBe('2823');
    expect(await one(`SELECT CAST(SUM(SALES) AS VARCHAR) FROM ${T('FACT_SALES')}`)).toBe('10032628.85');
    // Every fact joined to exactly one version of each dimension.
    expect(
      await one(`SELECT COUNT(*) FROM ${T('FACT_SALES')} f
        JOIN ${T('DIM_CUSTOMER')} c ON c.CUSTOMER_SK = f.CUSTOMER_SK
        JOIN ${T('DIM_PRODUCT')} p ON p.PRODUCT_SK = f.PRODUCT_SK
        JOIN ${T('DIM_DATE')} d ON d.DATE_KEY = f.DATE_KEY`),
    ).toBe('2823');
    expect(await one(`SELECT COUNT(*) FROM ${T('SALES')}`)).toBe('2823');
    expect(await one(`SELECT COUNT(*) FROM ${T('INVOICES')}`)).toBe('307');
    await expectInvariants();
  }, 180_000);

  it('a customer who moves gets a second version from the new order date; old facts keep the old one', async () => {
    const before = (await rows<{ ADDRESSLINE1: string; CITY: string; CUSTOMER_SK: string; VALID_FROM: string }>(
      `SELECT ADDRESSLINE1, CITY, CUSTOMER_SK, CAST(VALID_FROM AS VARCHAR) AS VALID_FROM FROM ${T('DIM_CUSTOMER')} WHERE CUSTOMERNAME = '${CUSTOMER}'`,
    ))[0]!;
    const oldFacts = await one(`SELECT COUNT(*) FROM ${T('FACT_SALES')} f JOIN ${T('SALES')} s ON s.ORDERNUMBER = f.ORDERNUMBER AND s.ORDERLINENUMBER = f.ORDERLINENUMBER WHERE s.CUSTOMERNAME = '${CUSTOMER}'`);
    expect(Number(oldFacts)).toBeGreaterThan(100);

    // In PostgreSQL: the customer's next order ships to the new address (updated_at = now(), above the watermark).
    const client = new pg.Client({ connectionString: stack.postgres.url('floe_demo') });
    await client.connect();
    try {
      const inserted = await client.query(
        `INSERT INTO public.sales (ordernumber, quantityordered, priceeach, orderlinenumber, sales, orderdate, status, qtr_id, month_id, year_id,
           productline, msrp, productcode, customername, phone, addressline1, addressline2, city, state, postalcode, country, territory,
           contactlastname, contactfirstname, dealsize)
         SELECT 10500, quantityordered, priceeach, orderlinenumber, sales, $1::timestamp, 'In Process', 2, 6, 2005,
           productline, msrp, productcode, customername, phone, '12 Harbour Road', NULL, 'Sausalito', state, '94965', country, territory,
           contactlastname, contactfirstname, dealsize
         FROM public.sales WHERE customername = $2 AND ordernumber = (SELECT MAX(ordernumber) FROM public.sales WHERE customername = $2)`,
        [MOVED_ON, CUSTOMER],
      );
      expect(inserted.rowCount).toBeGreaterThan(0);
      const newLines = inserted.rowCount!;

      const second = await run();
      expect(second.report?.rows).toBe(newLines); // cursor mode: only the new lines
      await ingest();

      const versions = await rows<{ VALID_FROM: string; VALID_TO: string; IS_CURRENT: unknown; ADDRESSLINE1: string; CITY: string; CUSTOMER_SK: string }>(
        `SELECT CAST(VALID_FROM AS VARCHAR) AS VALID_FROM, CAST(VALID_TO AS VARCHAR) AS VALID_TO, IS_CURRENT, ADDRESSLINE1, CITY, CUSTOMER_SK FROM ${T('DIM_CUSTOMER')} WHERE CUSTOMERNAME = '${CUSTOMER}' ORDER BY VALID_FROM`,
      );
      expect(versions.map((v) => [v.VALID_FROM, v.VALID_TO, v.IS_CURRENT === true || v.IS_CURRENT === 'true', v.ADDRESSLINE1, v.CITY])).toEqual([
        [before.VALID_FROM, MOVED_ON, false, before.ADDRESSLINE1, before.CITY],
        [MOVED_ON, '9999-12-31', true, '12 Harbour Road', 'Sausalito'],
      ]);
      // The old version kept its surrogate key, so nothing that referenced it moved.
      expect(versions[0]!.CUSTOMER_SK).toBe(before.CUSTOMER_SK);
      const bySk = await rows<{ CUSTOMER_SK: string; N: string }>(
        `SELECT f.CUSTOMER_SK, CAST(COUNT(*) AS VARCHAR) AS N FROM ${T('FACT_SALES')} f JOIN ${T('SALES')} s ON s.ORDERNUMBER = f.ORDERNUMBER AND s.ORDERLINENUMBER = f.ORDERLINENUMBER WHERE s.CUSTOMERNAME = '${CUSTOMER}' GROUP BY f.CUSTOMER_SK`,
      );
      expect(Object.fromEntries(bySk.map((r) => [r.CUSTOMER_SK, String(r.N)]))).toEqual({ [versions[0]!.CUSTOMER_SK]: oldFacts, [versions[1]!.CUSTOMER_SK]: String(newLines) });
      expect(await one(`SELECT COUNT(*) FROM ${T('DIM_CUSTOMER')} WHERE IS_CURRENT`)).toBe('92');
      expect(await one(`SELECT COUNT(*) FROM ${T('DIM_CUSTOMER')}`)).toBe('93');
      expect(await one(`SELECT COUNT(*) FROM ${T('FACT_SALES')}`)).toBe(String(2823 + newLines));
      await expectInvariants();
    } finally {
      await client.end();
    }
  }, 180_000);
});
