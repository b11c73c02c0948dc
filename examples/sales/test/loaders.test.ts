import { salesCsvPath, SALES_CSV_MISSING, startPostgres, type LocalPostgres } from '@floe/testkit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSalesTable, loadGeneratedSales, loadKaggleCsv } from '../src/index.js';

let server: LocalPostgres;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => server?.stop());

async function freshDb(name: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: await server.createDatabase(name) });
  await client.connect();
  await createSalesTable(client);
  return client;
}

const csv = salesCsvPath();
if (!csv) console.warn(`skipping the Kaggle load test: ${SALES_CSV_MISSING}`);

describe('loadKaggleCsv', () => {
  it.skipIf(!csv)(`loads the real file exactly (skipped when ${SALES_CSV_MISSING})`, async () => {
    const c = await freshDb('kaggle');
    try {
      const report = (await loadKaggleCsv(c, csv!))._unsafeUnwrap();
      expect(report.rows).toBe(2823);
      const facts = await c.query(`SELECT count(*)::int AS n, count(DISTINCT ordernumber)::int AS orders, count(DISTINCT customername)::int AS customers,
        count(DISTINCT productcode)::int AS products, sum(sales)::text AS sales, sum(quantityordered)::int AS qty, sum(priceeach)::text AS price,
        count(DISTINCT orderdate)::int AS days, min(orderdate)::text AS first, max(orderdate)::text AS last,
        count(*) FILTER (WHERE addressline2 IS NULL)::int AS a2, count(*) FILTER (WHERE state IS NULL)::int AS st,
        count(*) FILTER (WHERE postalcode IS NULL)::int AS pc, count(*) FILTER (WHERE territory = 'NA')::int AS na FROM sales`);
      expect(facts.rows[0]).toEqual({ n: 2823, orders: 307, customers: 92, products: 109, sales: '10032628.85', qty: 99067, price: '236168.07', days: 252, first: '2003-01-06 00:00:00', last: '2005-05-31 00:00:00', a2: 2521, st: 1486, pc: 76, na: 1074 });
      const names = await c.query(`SELECT count(*)::int AS n FROM sales WHERE addressline1 = 'Berguvsvägen  8' OR customername = 'Australian Collectors, Co.' OR contactfirstname LIKE 'Martín%' OR city LIKE '%Cataluña%' OR state LIKE '%Cataluña%'`);
      expect(names.rows[0].n).toBeGreaterThan(0);
      const b = await c.query(`SELECT count(*)::int AS n FROM sales WHERE addressline1 = 'Berguvsvägen  8'`);
      expect(b.rows[0].n).toBeGreaterThan(0);
    } finally {
      await c.end();
    }
  });

  it('reports a missing file as a config error', async () => {
    const c = await freshDb('kaggle_missing');
    try {
      const r = await loadKaggleCsv(c, 'does-not-exist.csv');
      expect(r.isErr() && r.error.kind).toBe('config');
      const n = await c.query('SELECT count(*)::int AS n FROM sales');
      expect(n.rows[0].n).toBe(0);
    } finally {
      await c.end();
    }
  });
});

describe('loadGeneratedSales', () => {
  it('loads the default data set with the Kaggle counts', async () => {
    const c = await freshDb('generated');
    try {
      const report = (await loadGeneratedSales(c))._unsafeUnwrap();
      expect(report.rows).toBe(2823);
      const facts = await c.query(`SELECT count(*)::int AS n, count(DISTINCT ordernumber)::int AS orders, count(DISTINCT customername)::int AS customers,
        count(DISTINCT productcode)::int AS products, count(DISTINCT orderdate)::int AS days, max(orderdate)::text AS last,
        count(*) FILTER (WHERE territory = 'NA')::int > 0 AS na, count(*) FILTER (WHERE addressline2 IS NULL)::int > 0 AS a2 FROM sales`);
      expect(facts.rows[0]).toEqual({ n: 2823, orders: 307, customers: 92, products: 109, days: 252, last: '2005-05-31 00:00:00', na: true, a2: true });
    } finally {
      await c.end();
    }
  });
});
