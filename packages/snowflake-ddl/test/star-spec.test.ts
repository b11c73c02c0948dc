/**
 * The star spec as a generic declaration: what the generator refuses (with the object named and a
 * hint), where the star lands in the plan and the teardown, and that a setup without a star is
 * exactly what it was (the golden scripts pin that too).
 */
import { describe, expect, it } from 'vitest';
import { planSetup, planTeardown, resolveSetup, SnowflakeDdlError, starChecks, starStatements, type FloeSnowflakeSetup, type StarSchemaSpec } from '../src/index.js';
import { salesSnowflakeSetup } from '../../../examples/sales/src/snowflake-preset.js';
import { SALES_STAR, salesStarSetup } from '../../../examples/sales/src/star-preset.js';

const withStar = (star: StarSchemaSpec): FloeSnowflakeSetup => {
  const base = salesSnowflakeSetup();
  return { ...base, tables: base.tables.map((t) => ({ ...t, star })) };
};

function refusal(star: StarSchemaSpec): SnowflakeDdlError {
  try {
    resolveSetup(withStar(star));
  } catch (e) {
    expect(e).toBeInstanceOf(SnowflakeDdlError);
    return e as SnowflakeDdlError;
  }
  throw new Error('the star was accepted');
}

const customer = SALES_STAR.dimensions[0]!;

describe('star spec validation', () => {
  it('accepts the sales star and resolves its defaults', () => {
    const star = resolveSetup(salesStarSetup()).tables[0]!.star!;
    expect(star.dimensions.map((d) => [d.name.name, d.surrogateKey])).toEqual([['DIM_CUSTOMER', 'customer_sk'], ['DIM_PRODUCT', 'product_sk']]);
    expect(star.fact.grain.map((g) => g.name)).toEqual(['ordernumber', 'orderlinenumber']);
    expect(star.fact.name).toEqual({ database: 'FLOE', schema: 'SALES', name: 'FACT_SALES' });
    const generic = resolveSetup(withStar({ ...SALES_STAR, dimensions: [{ name: 'dim_c', naturalKey: ['customername'], tracked: ['city'] }], dateDimension: { name: 'dim_d' } })).tables[0]!.star!;
    expect(generic.dimensions[0]!.surrogateKey).toBe('dim_c_sk');
    expect(generic.date!.key).toBe('date_key');
  });

  it.each([
    ['a natural key that is nullable in PostgreSQL', { ...SALES_STAR, dimensions: [{ ...customer, naturalKey: ['phone'], tracked: ['city'] }] }, /nullable in PostgreSQL/, 'dimension dim_customer'],
    ['an unknown tracked column', { ...SALES_STAR, dimensions: [{ ...customer, tracked: ['shoe_size'] }] }, /"shoe_size" is not a column/, 'dimension dim_customer'],
    ['a column both key and tracked', { ...SALES_STAR, dimensions: [{ ...customer, tracked: ['customername', 'city'] }] }, /both natural key and tracked/, 'dimension dim_customer'],
    ['no tracked column', { ...SALES_STAR, dimensions: [{ ...customer, tracked: [] }] }, /tracks no column/, 'dimension dim_customer'],
    ['a business date that is text', { ...SALES_STAR, businessDate: 'status' }, /is VARCHAR, not a date/, undefined],
    ['a surrogate key named like a fact column', { ...SALES_STAR, dimensions: [{ ...customer, surrogateKey: 'SALES' }] }, /both become "SALES"/, undefined],
    ['a fact column listed twice', { ...SALES_STAR, fact: { ...SALES_STAR.fact, columns: ['ordernumber'] } }, /both grain and columns/, 'fact table fact_sales'],
    ['a star table named like a derived table', { ...SALES_STAR, fact: { ...SALES_STAR.fact, name: 'Invoices' } }, /both become "INVOICES"/, undefined],
  ] as const)('refuses %s', (_what, star, message, object) => {
    const e = refusal(star as StarSchemaSpec);
    expect(e.kind).toBe('config');
    expect(e.message).toMatch(message);
    expect(e.hint.length).toBeGreaterThan(10);
    if (object !== undefined) expect(e.object).toBe(object);
  });
});

describe('star tables in the plan', () => {
  const steps = planSetup(salesStarSetup()).steps;
  const at = (id: string) => {
    const i = steps.findIndex((s) => s.id === id);
    expect(i, id).toBeGreaterThanOrEqual(0);
    return i;
  };

  it('creates every star table before the task, and the task writes them after SALES, INVOICES, ITEMS', () => {
    for (const t of ['DIM_CUSTOMER', 'DIM_PRODUCT', 'DIM_DATE', 'FACT_SALES']) expect(at(`objects/table/FLOE.SALES.${t}`)).toBeLessThan(at('tasks/task/FLOE.SALES.SALES_MERGE'));
    const task = steps[at('tasks/task/FLOE.SALES.SALES_MERGE')]!.sql;
    const order = ['MERGE INTO "FLOE"."SALES"."SALES"', 'MERGE INTO "FLOE"."SALES"."ITEMS"', 'DELETE FROM "FLOE"."SALES"."DIM_CUSTOMER"', 'MERGE INTO "FLOE"."SALES"."DIM_CUSTOMER"', 'MERGE INTO "FLOE"."SALES"."DIM_PRODUCT"', 'INSERT INTO "FLOE"."SALES"."DIM_DATE"', 'MERGE INTO "FLOE"."SALES"."FACT_SALES"', 'COMMIT;'].map((s) => task.indexOf(s));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // One transaction, one stream: the star reads the stream the consolidated MERGE reads.
    expect(task.match(/BEGIN TRANSACTION/g)).toHaveLength(1);
    expect(task.match(/FROM "FLOE"\."SALES"\."SALES_LANDING_STREAM"/g)!.length).toBeGreaterThan(5);
  });

  it('drops the star tables on teardown, before the tables they are built from', () => {
    const ids = planTeardown(salesStarSetup()).steps.map((s) => s.id);
    const drop = (t: string) => ids.indexOf(`teardown/table/FLOE.SALES.${t}/drop`);
    for (const t of ['FACT_SALES', 'DIM_DATE', 'DIM_PRODUCT', 'DIM_CUSTOMER']) {
      expect(drop(t)).toBeGreaterThanOrEqual(0);
      expect(drop(t)).toBeLessThan(drop('SALES'));
    }
    expect(planTeardown(salesStarSetup(), { keepData: true }).steps.some((s) => s.id.includes('DIM_'))).toBe(false);
  });

  it('matches the reviewed star script (tables, and the statements the task runs after ITEMS)', async () => {
    const star = resolveSetup(salesStarSetup()).tables[0]!.star!;
    const tables = steps.filter((s) => /\.(DIM_|FACT_)/.test(s.id)).map((s) => `${s.sql};`);
    const statements = starStatements(star, { consolidated: { database: 'FLOE', schema: 'SALES', name: 'SALES' }, changes: { database: 'FLOE', schema: 'SALES', name: 'SALES_LANDING_STREAM' } }).map((s) => `${s};`);
    await expect(['-- floe sales star schema: tables', '', ...tables, '', '-- in the task transaction, after SALES, INVOICES, ITEMS', '', ...statements, ''].join('\n\n')).toMatchFileSnapshot('golden/sales-star.sql');
  });

  it('leaves a setup without a star as it was', () => {
    const plain = planSetup(salesSnowflakeSetup()).steps;
    expect(plain.some((s) => /DIM_|FACT_/.test(s.sql))).toBe(false);
    expect(steps.length - plain.length).toBe(4);
    expect(starChecks(salesSnowflakeSetup())).toEqual([]);
  });
});
