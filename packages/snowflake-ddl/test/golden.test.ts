import { describe, expect, it } from 'vitest';
import { planSetup, planTeardown, renderPlanScript, type PlanStep } from '../src/index.js';
import { salesSnowflakeSetup } from '../../../examples/sales/src/snowflake-preset.js';

const PHASES = ['bootstrap', 'integration', 'objects', 'tasks', 'grants', 'resume'];

describe.each(['csv', 'parquet'] as const)('sales preset plan (%s)', (format) => {
  const config = salesSnowflakeSetup({ format });
  const steps = planSetup(config).steps;
  const teardown = planTeardown(config).steps;

  it('matches the reviewed golden script', async () => {
    // Reviewed line by line against Snowflake's documentation; `vitest -u` rewrites it after a
    // deliberate change, and the diff is then reviewed again.
    await expect(renderPlanScript(steps)).toMatchFileSnapshot(`golden/sales-${format}.sql`);
    await expect(renderPlanScript(teardown)).toMatchFileSnapshot(`golden/sales-${format}-teardown.sql`);
  });

  it('runs the phases in order and every step id is unique', () => {
    const order = steps.map((s) => PHASES.indexOf(s.phase));
    expect(order.every((p) => p >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(new Set(steps.map((s) => s.id)).size).toBe(steps.length);
  });

  it('creates each object before anything that uses it', () => {
    const at = (id: string) => {
      const i = steps.findIndex((s) => s.id === id);
      expect(i, id).toBeGreaterThanOrEqual(0);
      return i;
    };
    const ff = format === 'csv' ? 'FLOE_CSV' : 'FLOE_PARQUET';
    expect(at('integration/integration/FLOE_S3')).toBeLessThan(at('objects/stage/FLOE.SALES.FLOE_STAGE'));
    expect(at(`objects/file-format/FLOE.SALES.${ff}`)).toBeLessThan(at('objects/stage/FLOE.SALES.FLOE_STAGE'));
    expect(at('objects/table/FLOE.SALES.SALES_LANDING')).toBeLessThan(at('objects/stream/FLOE.SALES.SALES_LANDING_STREAM'));
    // The stream exists before the pipe can load a single row.
    expect(at('objects/stream/FLOE.SALES.SALES_LANDING_STREAM')).toBeLessThan(at('objects/pipe/FLOE.SALES.SALES_PIPE'));
    for (const table of ['SALES', 'INVOICES', 'ITEMS']) expect(at(`objects/table/FLOE.SALES.${table}`)).toBeLessThan(at('tasks/task/FLOE.SALES.SALES_MERGE'));
    expect(at('tasks/task/FLOE.SALES.SALES_MERGE/suspend')).toBeLessThan(at('tasks/task/FLOE.SALES.SALES_MERGE'));
    expect(at('tasks/task/FLOE.SALES.SALES_MERGE')).toBeLessThan(at('resume/task/FLOE.SALES.SALES_MERGE/resume'));
    expect(steps.at(-1)?.id).toBe('resume/task/FLOE.SALES.SALES_MERGE/resume');
  });

  it('is re-runnable: creates are IF NOT EXISTS, only the task is replaced', () => {
    for (const s of steps.filter((x) => /^CREATE/.test(x.sql))) {
      if (s.object.type === 'TASK') expect(s.sql).toMatch(/^CREATE OR REPLACE TASK /);
      else {
        expect(s.sql, s.id).toMatch(/^CREATE [A-Z ]+ IF NOT EXISTS /);
        expect(s.existsSql, s.id).toMatch(/^SHOW [A-Z ]+ LIKE '/);
        expect(s.existsName, s.id).toBe(s.id.split('/')[2]!.split('.').at(-1));
      }
    }
    expect(steps.filter((s) => /OR REPLACE/.test(s.sql)).map((s) => s.object.type)).toEqual(['TASK']);
  });

  it('tears down in reverse order of creation', () => {
    const created = (s: PlanStep) => `${s.object.type} ${s.object.name}`;
    const createOrder = steps.filter((s) => /^CREATE/.test(s.sql)).map(created);
    const dropOrder = teardown.filter((s) => /^DROP/.test(s.sql)).map(created);
    // Every dropped object was created, and drops come in the reverse of creation order, except
    // that a table is dropped after the stream and pipe reading it (streams before landing tables).
    for (const d of dropOrder) expect(createOrder).toContain(d);
    expect(dropOrder.indexOf('PIPE "FLOE"."SALES"."SALES_PIPE"')).toBeLessThan(dropOrder.indexOf('TABLE "FLOE"."SALES"."SALES_LANDING"'));
    expect(dropOrder.indexOf('STREAM "FLOE"."SALES"."SALES_LANDING_STREAM"')).toBeLessThan(dropOrder.indexOf('TABLE "FLOE"."SALES"."SALES_LANDING"'));
    expect(dropOrder.indexOf('STAGE "FLOE"."SALES"."FLOE_STAGE"')).toBeLessThan(dropOrder.indexOf('INTEGRATION "FLOE_S3"'));
    expect(teardown[0]?.sql).toBe('ALTER TASK IF EXISTS "FLOE"."SALES"."SALES_MERGE" SUSPEND');
    expect(teardown.every((s) => /IF EXISTS/.test(s.sql))).toBe(true);
  });
});
