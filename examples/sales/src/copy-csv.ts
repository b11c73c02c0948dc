import type { Submittable } from 'pg';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';

/** The part of a `pg` client the loaders call: plain queries and COPY streams. */
export interface CopyClient {
  query(text: string): Promise<unknown>;
  query<T extends Submittable>(submittable: T): T;
}

/**
 * One record in PostgreSQL `COPY ... (FORMAT csv)` input: NULL is an unquoted empty field, every
 * other value is quoted (so an empty string stays `""`, and commas, quotes, CR/LF and a leading
 * `\.` are data).
 */
export function copyCsvLine(values: ReadonlyArray<string | null>): string {
  return `${values.map((v) => (v === null ? '' : `"${v.replace(/"/g, '""')}"`)).join(',')}\n`;
}

/**
 * Streams records into `COPY <table> (<columns>) FROM STDIN (FORMAT csv)` with backpressure, so
 * memory stays flat whatever the row count. Returns the rows PostgreSQL reports.
 */
export async function copyRecords(client: CopyClient, table: string, columns: readonly string[], source: Readable | AsyncIterable<ReadonlyArray<string | null>> | Iterable<ReadonlyArray<string | null>>): Promise<number> {
  const cols = columns.map((c) => `"${c.replace(/"/g, '""')}"`).join(', ');
  const sink = client.query(copyFrom(`COPY ${table} (${cols}) FROM STDIN (FORMAT csv)`));
  const input = source instanceof Readable ? source : Readable.from(source, { objectMode: true });
  const toLines = new Transform({
    writableObjectMode: true,
    transform(values: ReadonlyArray<string | null>, _enc, done) {
      done(null, copyCsvLine(values));
    },
  });
  await pipeline(input, toLines, sink);
  return sink.rowCount;
}
