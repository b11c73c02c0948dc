// Reads what a contender wrote back with DuckDB (an independent reader) and returns the row count
// and the exact sums of the money columns, so no figure can come from dropping or rounding work.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { importFrom } from './workspace.mjs';

/** Downloads published objects to `dir`, returns the local paths. */
export async function download(s3, bucket, keys, dir) {
  const { GetObjectCommand } = await importFrom('packages/core', '@aws-sdk/client-s3');
  const paths = [];
  for (const key of keys) {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const path = join(dir, key.replace(/[^A-Za-z0-9._-]+/g, '_'));
    await writeFile(path, await res.Body.transformToByteArray());
    paths.push(path);
  }
  return paths;
}

/** `{ rows, priceeach, sales }` (sums as exact decimal text) of CSV (with header) or Parquet files. */
export async function readBack(DuckDBInstance, format, paths, duckColumns) {
  const list = `[${paths.map((p) => `'${p}'`).join(', ')}]`;
  const from = format === 'csv' ? `read_csv(${list}, header = true, delim = ',', quote = '"', escape = '"', allow_quoted_nulls = false, columns = ${duckColumns})` : `read_parquet(${list})`;
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const reader = await conn.runAndReadAll(`SELECT count(*)::VARCHAR, sum(priceeach::DECIMAL(10,2))::VARCHAR, sum(sales::DECIMAL(12,2))::VARCHAR FROM ${from}`);
    const [rows, priceeach, sales] = reader.getRows()[0];
    return { rows: Number(rows), priceeach, sales };
  } finally {
    conn.closeSync();
  }
}
