import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { createSalesTable, loadGeneratedSales } from '@floe/example-sales';
import { startPostgres, startS3, type LocalPostgres, type LocalS3 } from '@floe/testkit';
import { gunzipSync } from 'node:zlib';
import pg from 'pg';

export const BUCKET = 'floe-lambda';

/** Embedded PostgreSQL with the generated sales data (Kaggle-shaped, 2,823 lines) and s3rver. */
export interface Fixture {
  readonly postgres: LocalPostgres;
  readonly s3: LocalS3;
  readonly sql: pg.Client;
  /** The floe config the function runs with (no password: that comes from the secret or PGPASSWORD). */
  config(prefix: string): object;
  /** Lines and exact SUM(sales) PostgreSQL holds for one order day: the truth files are checked against. */
  day(date: string): Promise<{ rows: number; sales: string }>;
  keys(prefix: string): Promise<string[]>;
  text(key: string): Promise<string>;
  bytes(key: string): Promise<Buffer>;
  /** Client connections floe opened (application_name `floe`), once they are gone or after 5 s. */
  floeConnections(): Promise<number>;
  stop(): Promise<void>;
}

export async function startFixture(): Promise<Fixture> {
  const postgres = await startPostgres();
  const url = await postgres.createDatabase('shop');
  const sql = new pg.Client({ connectionString: url });
  await sql.connect();
  await createSalesTable(sql);
  const loaded = await loadGeneratedSales(sql);
  if (loaded.isErr()) throw new Error(loaded.error.message);
  const s3 = await startS3({ buckets: [BUCKET] });
  const client: S3Client = s3.client();

  const body = async (key: string) => {
    const res = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return Buffer.from(await res.Body!.transformToByteArray());
  };

  return {
    postgres,
    s3,
    sql,
    config: (prefix) => ({
      source: { host: postgres.host, port: postgres.port, database: 'shop', user: postgres.user },
      tables: [
        // Two-row parts, so a run has several and a stop between them leaves staged parts to discard.
        { name: 'sales', source: { table: 'sales' }, window: { kind: 'day', column: 'orderdate' }, bounds: { maxRows: 2, maxBytes: 1_048_576 } },
        { name: 'sales_changes', source: { table: 'sales' }, window: { kind: 'cursor', column: 'updated_at' } },
        // Parquet through parquet-wasm: proves the bundle finds its .wasm file.
        { name: 'sales_parquet', source: { table: 'sales' }, window: { kind: 'day', column: 'orderdate' }, format: 'parquet' },
      ],
      storage: { kind: 's3', bucket: BUCKET, prefix, region: s3.region, endpoint: s3.endpoint, forcePathStyle: true },
      // Not UTC: "yesterday" must be taken in this zone.
      run: { timeZone: 'Asia/Tokyo' },
    }),
    async day(date) {
      const r = await sql.query<{ rows: string; sales: string | null }>('SELECT count(*) AS rows, sum(sales)::text AS sales FROM sales WHERE orderdate >= $1::date AND orderdate < $1::date + 1', [date]);
      return { rows: Number(r.rows[0]?.rows), sales: r.rows[0]?.sales ?? '0' };
    },
    async keys(prefix) {
      const out: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
        out.push(...(page.Contents ?? []).map((o) => o.Key ?? ''));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return out.sort();
    },
    bytes: body,
    async text(key) {
      const raw = await body(key);
      return (key.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
    },
    async floeConnections() {
      let n = -1;
      for (let i = 0; i < 50; i++) {
        const r = await sql.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'floe' AND backend_type = 'client backend'");
        n = Number(r.rows[0]?.n);
        if (n === 0) return 0;
        // A backend leaves pg_stat_activity a moment after its client said goodbye.
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return n;
    },
    async stop() {
      client.destroy();
      await sql.end();
      await s3.stop();
      await postgres.stop();
    },
  };
}

/** Rows and exact SUM of the `sales` column of floe's CSV parts (the first five fields are never quoted). */
export function csvFacts(texts: readonly string[]): { rows: number; sales: string } {
  let rows = 0;
  let cents = 0n;
  for (const text of texts) {
    const lines = text.split('\n').filter((l) => l !== '');
    if (lines[0]?.startsWith('ordernumber,') !== true) throw new Error(`not a floe sales CSV: ${lines[0] ?? '(empty)'}`);
    for (const line of lines.slice(1)) {
      const value = line.split(',')[4] ?? '';
      const [whole, frac = ''] = value.split('.');
      cents += BigInt(whole ?? '0') * 100n + BigInt(frac.padEnd(2, '0'));
      rows++;
    }
  }
  const s = cents.toString().padStart(3, '0');
  return { rows, sales: `${s.slice(0, -2)}.${s.slice(-2)}` };
}
