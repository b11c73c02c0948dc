import { describe, expect, it, beforeAll } from 'vitest';
import { ensureBuilt, runCli } from './cli-process.js';

interface DemoBody {
  ok: boolean;
  days: number;
  runs: { ok: number; failed: number; rows: number };
  tables: Array<{ table: string; rows: string; sums: Record<string, string> }>;
  star: Array<{ table: string; rows: string; current?: string }>;
  verify: { days: number; differences: unknown[] };
  phases: Array<{ phase: string; ms: number }>;
}

beforeAll(() => ensureBuilt());

describe('floe demo', () => {
  it('runs the whole pipeline on local services and prints one JSON summary with the Kaggle counts', async () => {
    const r = await runCli(['demo', '--json'], { timeoutMs: 280_000 });
    expect(r.code, r.stderr).toBe(0);
    const body = JSON.parse(r.stdout) as DemoBody;
    expect(body.ok).toBe(true);
    expect(body.days).toBe(252);
    expect(body.runs).toMatchObject({ ok: 252, failed: 0, rows: 2823 });
    const rows = Object.fromEntries(body.tables.map((t) => [t.table, t.rows]));
    expect(rows).toEqual({ SALES: '2823', INVOICES: '307', ITEMS: '2823' });
    // The star schema, after the INVOICES/ITEMS counts: one fact per order line, one current version per member.
    const star = Object.fromEntries(body.star.map((t) => [t.table, t]));
    expect(body.star.map((t) => t.table)).toEqual(['DIM_CUSTOMER', 'DIM_PRODUCT', 'DIM_DATE', 'FACT_SALES']);
    expect(star).toEqual({
      DIM_CUSTOMER: { table: 'DIM_CUSTOMER', rows: '92', current: '92' },
      DIM_PRODUCT: { table: 'DIM_PRODUCT', rows: '109', current: '109' },
      DIM_DATE: { table: 'DIM_DATE', rows: '252' },
      FACT_SALES: { table: 'FACT_SALES', rows: '2823' },
    });
    // The generated data's money, summed in PostgreSQL and in Snowflake, agrees to the cent.
    expect(body.verify).toMatchObject({ days: 252, differences: [] });
    const sales = body.tables.find((t) => t.table === 'SALES')!;
    expect(sales.sums['sum(sales)']).toMatch(/^\d+\.\d{1,2}$/);
    expect(body.phases.map((p) => p.phase)).toContain('Snowpipe ingests the files (drainPipes)');
  }, 300_000);
});
