import { createSalesTable, loadGeneratedSales } from '@floe/example-sales';
import { startPostgres } from '@floe/testkit';
import pg from 'pg';
import { expect, it } from 'vitest';
import { createPostgresExtractor } from '../src/index.js';

it('bench', async () => {
  const db = await startPostgres();
  const url = await db.createDatabase('bench');
  const c = new pg.Client({ connectionString: url }); await c.connect(); await createSalesTable(c);
  const rows = Number(process.env.BENCH_ROWS ?? 500000);
  (await loadGeneratedSales(c, { rows }))._unsafeUnwrap();
  await c.end();
  let peak = 0; const t = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  for (const enc of ['csv', 'columnar'] as const) {
    global.gc?.();
    const base = process.memoryUsage().rss; peak = 0; const t0 = Date.now();
    const x = (await createPostgresExtractor({ connection: { connectionString: url }, table: { schema: 'public', name: 'sales' } }).extract({ kind: 'full' }, enc))._unsafeUnwrap();
    let n = 0;
    if (x.rows.encoding === 'csv') for await (const ch of x.rows.chunks) n += ch.length; else for await (const b of x.rows.batches) n += b.rowCount;
    const f = (await x.finished)._unsafeUnwrap(); await x.close();
    console.log(enc, f.rows, 'rows', n, Date.now() - t0, 'ms, rss before', base >> 20, 'MB, peak', peak >> 20, 'MB');
    expect(f.rows).toBe(rows);
  }
  clearInterval(t); await db.stop();
}, 600_000);
