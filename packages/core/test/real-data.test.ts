import { DuckDBInstance } from '@duckdb/node-api';
import { createSalesTable, loadKaggleCsv } from '@floe/example-sales';
import { salesCsvPath, SALES_CSV_MISSING, startPostgres, type LocalPostgres } from '@floe/testkit';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCsvSerializer, createLocalUploader, createParquetSerializer, createPostgresExtractor, runExtract, type ExtractJob, type RunReport } from '../src/index.js';

/**
 * The real Kaggle data set, end to end through the extractor, runExtract and the local uploader,
 * read back by DuckDB. The facts asserted are the data set's documented ones.
 */
const csv = salesCsvPath();
if (!csv) console.warn(`real-data tests skipped: ${SALES_CSV_MISSING}`);

describe.skipIf(!csv)(`the real sales data set (skipped when ${SALES_CSV_MISSING})`, () => {
  let server: LocalPostgres;
  let url: string;
  let dir: string;
  let duck: DuckDBInstance;

  beforeAll(async () => {
    server = await startPostgres();
    url = await server.createDatabase('kaggle');
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await createSalesTable(c);
    expect((await loadKaggleCsv(c, csv!))._unsafeUnwrap().rows).toBe(2823);
    await c.end();
    dir = await mkdtemp(join(tmpdir(), 'floe-real-'));
    duck = await DuckDBInstance.create(':memory:');
  });
  afterAll(async () => {
    duck?.closeSync();
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const job = (format: 'csv' | 'parquet'): ExtractJob => ({
    table: 'sales',
    extractor: createPostgresExtractor({ connection: { connectionString: url }, table: { schema: 'public', name: 'sales' } }),
    serializer: format === 'csv' ? createCsvSerializer() : createParquetSerializer(),
    uploader: createLocalUploader({ dir }),
  });
  const paths = (r: RunReport) => r.files.map((f) => `'${join(dir, f.key)}'`).join(', ');
  async function query(sql: string): Promise<unknown[][]> {
    const conn = await duck.connect();
    try {
      return (await conn.runAndReadAll(sql)).getRowsJS();
    } finally {
      conn.closeSync();
    }
  }

  it('day 2005-05-31 → 19 rows, SUM(SALES) 78918.03 read back exactly from Parquet', async () => {
    const report = (await runExtract(job('parquet'), { kind: 'day', column: 'orderdate', date: '2005-05-31', timeZone: 'UTC' }))._unsafeUnwrap();
    expect(report.rows).toBe(19);
    const rows = await query(`SELECT count(*)::INT, sum(sales)::VARCHAR, typeof(sum(sales)), count(DISTINCT ordernumber)::INT FROM read_parquet([${paths(report)}])`);
    expect(rows).toEqual([[19, '78918.03', 'DECIMAL(38,2)', 2]]);
  });

  it('everything → 2823 rows, SUM(SALES) 10032628.85, NA territory kept, non-ASCII intact (Parquet and CSV)', async () => {
    const pq = (await runExtract(job('parquet'), { kind: 'full' }))._unsafeUnwrap();
    const facts = await query(`SELECT count(*)::INT, sum(sales)::VARCHAR, sum(quantityordered)::INT, sum(priceeach)::VARCHAR,
        count(*) FILTER (WHERE territory = 'NA')::INT, count(*) FILTER (WHERE territory IS NULL)::INT,
        count(*) FILTER (WHERE addressline1 = 'Berguvsvägen  8')::INT > 0, count(*) FILTER (WHERE addressline2 IS NULL)::INT
      FROM read_parquet([${paths(pq)}])`);
    expect(facts).toEqual([[2823, '10032628.85', 99067, '236168.07', 1074, 0, true, 2521]]);

    const c = (await runExtract(job('csv'), { kind: 'full' }))._unsafeUnwrap();
    expect(c.rows).toBe(2823);
    const csvFacts = await query(`SELECT count(*)::INT, sum(sales::DECIMAL(12,2))::VARCHAR, count(*) FILTER (WHERE territory = 'NA')::INT,
        count(*) FILTER (WHERE addressline1 = 'Berguvsvägen  8')::INT > 0, count(*) FILTER (WHERE addressline2 IS NULL)::INT
      FROM read_csv([${paths(c)}], header = true, all_varchar = true, allow_quoted_nulls = false)`);
    expect(csvFacts).toEqual([[2823, '10032628.85', 1074, true, 2521]]);
  });

  it.each(['csv', 'parquet'] as const)('re-running the same day gives a second complete run with identical part bytes (%s)', async (format) => {
    const w = { kind: 'day', column: 'orderdate', date: '2005-05-31', timeZone: 'UTC' } as const;
    const a = (await runExtract(job(format), w))._unsafeUnwrap();
    const b = (await runExtract(job(format), w))._unsafeUnwrap();
    expect(b.runId).not.toBe(a.runId);
    const hashes = async (r: RunReport) => Promise.all(r.files.map(async (f) => createHash('sha256').update(await readFile(join(dir, f.key))).digest('hex')));
    expect(await hashes(b)).toEqual(await hashes(a));
    expect(b.files.map((f) => f.sha256)).toEqual(a.files.map((f) => f.sha256));
  });
});
