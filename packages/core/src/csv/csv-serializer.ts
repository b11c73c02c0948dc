import { err, ok, type Result } from 'neverthrow';
import { Readable, pipeline } from 'node:stream';
import type { RowStream } from '../contracts/extractor.js';
import type { TableSchema } from '../contracts/schema.js';
import type { PartBounds, PartStats, SerializedPart, Serializer } from '../contracts/serializer.js';
import { floeError, type FloeError } from '../errors.js';
import { HashCounter } from '../util/hash-counter.js';
import { asFloeError } from '../util/stream-errors.js';
import { validateBounds } from '../util/bounds.js';
import { CsvPartSplitter } from './csv-part-splitter.js';
import { csvField } from './csv-record-scanner.js';
import { gzipMembers } from './gzip-members.js';

/** Options of {@link createCsvSerializer}. */
export interface CsvSerializerOptions {
  /** zlib level 1–9; 6 balances size and CPU like gzip's default. */
  readonly gzipLevel?: number;
  /**
   * Blocks of about 1 MiB gzipped at once, each as its own gzip member, on Node's thread pool
   * (default 3, which keeps two cores busy). 1 compresses one block at a time.
   */
  readonly gzipConcurrency?: number;
}

/**
 * Writes PostgreSQL `COPY ... (FORMAT csv)` bytes as gzip CSV parts with a header row.
 *
 * The bytes are what PostgreSQL wrote (UTF-8, `\n` terminators, quotes only where needed, NULL an
 * unquoted empty field, empty string `""`), so the serializer never parses a value. Snowflake reads
 * them back exactly with this file format:
 *
 * ```sql
 * TYPE = CSV  COMPRESSION = GZIP  ENCODING = 'UTF8'
 * FIELD_DELIMITER = ','  RECORD_DELIMITER = '\n'  SKIP_HEADER = 1
 * FIELD_OPTIONALLY_ENCLOSED_BY = '"'   -- "" stays an empty string, quoted \n \r , stay data
 * ESCAPE = NONE  ESCAPE_UNENCLOSED_FIELD = NONE   -- backslashes are data, not escapes
 * EMPTY_FIELD_AS_NULL = TRUE   -- an unquoted empty field is NULL
 * NULL_IF = ()                 -- no text (not `\N`, not `NA`) turns into NULL
 * TRIM_SPACE = FALSE  ERROR_ON_COLUMN_COUNT_MISMATCH = TRUE  REPLACE_INVALID_CHARACTERS = FALSE
 * ```
 *
 * Each part is a series of gzip members of about 1 MiB of CSV each, compressed in parallel on
 * Node's thread pool (the second core does half the work): one valid gzip file to every reader.
 *
 * Parts roll over at record boundaries: a part's uncompressed size (header included) stays within
 * `maxBytes` and its row count within `maxRows`, except that a part always holds at least one
 * record. The first part is always produced, even for zero rows (a header-only file), so every
 * run has a file that states its columns; later parts only when rows remain.
 *
 * `serialize` throws a FloeError (kind `internal`) when handed a non-CSV row stream or bad bounds.
 */
export function createCsvSerializer(options: CsvSerializerOptions = {}): Serializer {
  const gzipLevel = options.gzipLevel ?? 6;
  if (!Number.isInteger(gzipLevel) || gzipLevel < 1 || gzipLevel > 9) {
    throw floeError('config', `gzipLevel must be an integer from 1 to 9, got ${String(gzipLevel)}.`, 'Set gzipLevel between 1 (fastest) and 9 (smallest), or leave it out for 6.', { object: 'gzipLevel' });
  }
  const gzipConcurrency = options.gzipConcurrency ?? 3;
  if (!Number.isInteger(gzipConcurrency) || gzipConcurrency < 1 || gzipConcurrency > 64) {
    throw floeError('config', `gzipConcurrency must be an integer from 1 to 64, got ${String(gzipConcurrency)}.`, 'Leave gzipConcurrency out for 3, or set about one more than the cores floe may use.', { object: 'gzipConcurrency' });
  }
  return {
    format: 'csv',
    compression: 'gzip',
    accepts: 'csv',
    // COPY CSV renders every PostgreSQL type as exact text, so no column is refused.
    check: (): Result<void, FloeError> => ok(undefined),
    serialize: (schema, rows, bounds) => serializeCsv(schema, rows, bounds, gzipLevel, gzipConcurrency),
  };
}

async function* serializeCsv(schema: TableSchema, rows: RowStream, bounds: PartBounds, gzipLevel: number, gzipConcurrency: number): AsyncGenerator<SerializedPart> {
  if (rows.encoding !== 'csv') {
    throw floeError('internal', `The CSV serializer was given a '${rows.encoding}' row stream.`, "Extract with encoding 'csv' for the CSV serializer.", { object: `${schema.schema}.${schema.name}` });
  }
  validateBounds(bounds);
  const header = Buffer.from(`${schema.columns.map((c) => csvField(c.name)).join(',')}\n`, 'utf8');
  const splitter = new CsvPartSplitter(rows.chunks, bounds);
  const table = `${schema.schema}.${schema.name}`;
  try {
    let index = 0;
    do {
      const counter = { rows: 0 };
      const hashed = new HashCounter();
      let settle: (r: Result<PartStats, FloeError>) => void = () => undefined;
      const stats = new Promise<Result<PartStats, FloeError>>((resolve) => (settle = resolve));
      pipeline(Readable.from(gzipMembers(splitter.part(header, counter), { level: gzipLevel, concurrency: gzipConcurrency }), { objectMode: false }), hashed, (e) => {
        if (e) settle(err(asFloeError(e, 'serialize', `Writing CSV part ${index} of ${table} failed`, 'Check the error cause; the run is discarded and can be re-run.', table)));
        else settle(ok({ rows: counter.rows, ...hashed.result() }));
      });
      yield { index, extension: 'csv.gz', contentType: 'text/csv', contentEncoding: 'gzip', body: hashed, stats };
      // The consumer drains `body` before asking for the next part, so this settles promptly.
      if ((await stats).isErr()) return;
      index += 1;
    } while (await splitter.hasMore());
  } finally {
    await splitter.close();
  }
}
