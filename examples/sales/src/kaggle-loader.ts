import { parse } from 'csv-parse';
import iconv from 'iconv-lite';
import { ResultAsync } from 'neverthrow';
import { createReadStream } from 'node:fs';
import { copyRecords, type CopyClient } from './copy-csv.js';
import { salesError, type SalesError } from './sales-error.js';
import { SALES_COLUMNS } from './schema.js';

/** What a load wrote. */
export interface LoadReport {
  readonly rows: number;
}

/** `2/24/2003 0:00` (US month/day, no zone) → `2003-02-24 00:00:00`; anything else is refused. */
export function kaggleTimestamp(text: string): string {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})$/.exec(text);
  if (!m) throw new Error(`ORDERDATE "${text}" is not in M/D/YYYY H:MM form`);
  const p2 = (s: string | undefined) => (s ?? '').padStart(2, '0');
  return `${m[3]}-${p2(m[1])}-${p2(m[2])} ${p2(m[4])}:${m[5]}:00`;
}

/**
 * Loads the Kaggle `sales_data_sample.csv` into `public.sales` as it is: decoded from cp437 (its
 * real encoding: `ä`, `í`, `ñ` are single bytes), RFC 4180 quoting, CRLF; an empty field becomes
 * NULL, `NA` (North America) stays text, ORDERDATE becomes a timestamp. Streams end to end.
 */
export function loadKaggleCsv(client: CopyClient, path: string): ResultAsync<LoadReport, SalesError> {
  const expected = SALES_COLUMNS.map((c) => c.toUpperCase());
  const run = async (): Promise<LoadReport> => {
    const parser = parse({
      // Refuse a file whose header is not the Kaggle one rather than load columns into the wrong place.
      columns: (header: string[]) => {
        if (header.join(',') !== expected.join(',')) {
          throw new Error(`the header is not the Kaggle sales header (got ${header.join(',')})`);
        }
        return header;
      },
      record_delimiter: ['\r\n', '\n'],
      relax_column_count: false,
      skip_empty_lines: true,
    });
    const dateIndex = SALES_COLUMNS.indexOf('orderdate');
    const file = createReadStream(path);
    const records = file.pipe(iconv.decodeStream('cp437')).pipe(parser);
    // pipe() does not forward errors: a read failure must end the parse (and so the COPY) too.
    file.on('error', (e) => parser.destroy(e));
    async function* values(): AsyncGenerator<Array<string | null>> {
      for await (const record of records as AsyncIterable<Record<string, string>>) {
        yield expected.map((h, i) => {
          const v = record[h] ?? '';
          if (v === '') return null;
          return i === dateIndex ? kaggleTimestamp(v) : v;
        });
      }
    }
    const rows = await copyRecords(client, 'public.sales', SALES_COLUMNS, values());
    return { rows };
  };
  return ResultAsync.fromPromise(run(), (e) => salesError(e, path, 'loading the Kaggle CSV into public.sales'));
}
