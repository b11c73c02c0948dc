import { err, ok, type Result } from 'neverthrow';
import { createHash } from 'node:crypto';
import type { RowStream } from '../contracts/extractor.js';
import type { TableSchema } from '../contracts/schema.js';
import type { PartBounds, PartStats, SerializedPart, Serializer } from '../contracts/serializer.js';
import { floeError, type FloeError } from '../errors.js';
import { validateBounds } from '../util/bounds.js';
import { asFloeError } from '../util/stream-errors.js';
import { ARROW_BATCH_ROWS, arrowGroupFromText, writeArrowParquetPart, type ParquetCompression } from './arrow-parquet-part.js';
import { writeArrowParquetPartInWorker } from './arrow-parquet-worker-part.js';
import { parquetWorkerAvailable } from './parquet-wasm-worker.js';
import { BinaryRowGroupReader } from './binary-row-group-reader.js';
import { CsvRowGroupReader, type ArrowRowGroup } from './csv-row-group-reader.js';
import { parquetColumnKind, type ParquetColumnKind } from './parquet-column-kind.js';
import { parquetjsLiteRefusal, writeParquetjsLitePart } from './parquetjs-lite-part.js';
import { RowGroupReader, type RowGroupValues } from './row-group-reader.js';

/** Options of {@link createParquetSerializer}. */
export interface ParquetSerializerOptions {
  /**
   * `arrow` (default): apache-arrow + parquet-wasm, exact DECIMAL, fast. `parquetjs-lite`: pure
   * JS, refuses numeric columns in `check` (it has no DECIMAL type) and values it would round.
   */
  readonly engine?: 'arrow' | 'parquetjs-lite';
  readonly compression?: ParquetCompression;
  /**
   * Rows per row group (default 100 000). The `arrow` engine decodes and hands over at most 8192
   * rows at a time whatever this is, so its memory does not grow with it beyond one encoded row group.
   */
  readonly rowGroupRows?: number;
  /**
   * `arrow` engine: encode in a worker thread while the main thread decodes the next batch
   * (default true: two cores). false encodes on the calling thread, as does a bundle that inlined
   * parquet-wasm (the worker loads it by path).
   */
  readonly encodeInWorker?: boolean;
  /**
   * `arrow` engine: what it asks the extractor for. `binary` (default): `COPY ... (FORMAT binary)`,
   * values in their binary forms, so the server formats nothing and numbers, dates and times need no
   * parsing. `csv`: COPY CSV text, decoded the same way (kept to compare, and for sources whose
   * binary forms floe does not read).
   */
  readonly copyFormat?: 'binary' | 'csv';
}

/**
 * Writes the extractor's rows as Parquet parts, typed from the catalog schema, never from values.
 * The `arrow` engine accepts COPY CSV bytes (`accepts: 'csv'`) and decodes them straight into Arrow
 * column builders (integers, decimals up to 15 digits, dates, timestamps and text without a JS
 * value per field); it also takes columnar text batches. `parquetjs-lite` takes columnar batches.
 *
 *
 * | PostgreSQL | Parquet (Arrow) |
 * | --- | --- |
 * | int2 / int4 / int8 | INT16 / INT32 / INT64 (parsed as integers, never floats) |
 * | numeric(p,s), p ≤ 38 | DECIMAL(p,s) from the decimal text via BigInt; a value with more fraction digits than s (non-zero) or too many digits fails with `unsupported_value` |
 * | numeric, numeric(p>38) | UTF8 decimal text (lossless; Snowflake casts it) ; NaN/±Infinity fail |
 * | float4 / float8 | FLOAT / DOUBLE (NaN, ±Infinity kept) |
 * | bool | BOOLEAN |
 * | date | DATE (days, before 1970 and BC included) |
 * | timestamp / timestamptz | TIMESTAMP(MICROS) local / adjusted to UTC |
 * | time | TIME(MICROS) |
 * | bytea | BINARY |
 * | text, varchar, char, uuid, interval, json, jsonb, arrays, others | UTF8 text (JSON as text) |
 *
 * Parts roll over at `maxRows` (exact) and `maxBytes` (encoded bytes, checked between row groups,
 * so a part may pass it by up to about two row groups). The first part is always produced, with
 * zero rows for an empty input. `serialize` throws a FloeError for a stream its engine cannot read, bad
 * bounds or a refused column.
 */
export function createParquetSerializer(options: ParquetSerializerOptions = {}): Serializer {
  const engine = options.engine ?? 'arrow';
  const compression = options.compression ?? 'snappy';
  const rowGroupRows = options.rowGroupRows ?? 100_000;
  const encodeInWorker = options.encodeInWorker ?? true;
  const copyFormat = options.copyFormat ?? 'binary';
  if (!Number.isSafeInteger(rowGroupRows) || rowGroupRows < 1) {
    throw floeError('config', `rowGroupRows must be a positive integer, got ${String(rowGroupRows)}.`, 'Set rowGroupRows to a positive whole number (100000 is a good default).', { object: 'rowGroupRows' });
  }
  if (engine === 'parquetjs-lite' && compression === 'zstd') {
    throw floeError('config', 'The parquetjs-lite engine cannot write zstd.', "Use compression 'snappy' or 'none', or the 'arrow' engine.", { object: 'compression' });
  }

  const check = (schema: TableSchema): Result<void, FloeError> => {
    if (engine === 'parquetjs-lite') {
      for (const c of schema.columns) {
        const refusal = parquetjsLiteRefusal(c, parquetColumnKind(c));
        if (refusal) return err(refusal);
      }
    }
    return ok(undefined);
  };

  async function* serialize(schema: TableSchema, rows: RowStream, bounds: PartBounds): AsyncGenerator<SerializedPart> {
    const table = `${schema.schema}.${schema.name}`;
    validateBounds(bounds);
    const checked = check(schema);
    if (checked.isErr()) throw checked.error;
    const kinds: ParquetColumnKind[] = schema.columns.map(parquetColumnKind);
    if (engine === 'arrow') {
      // COPY CSV bytes decode straight into Arrow builders; text batches still work (tests, other extractors).
      const reader: GroupSource<ArrowRowGroup> =
        rows.encoding === 'binary'
          ? new BinaryRowGroupReader(rows.chunks, schema, kinds, table)
          : rows.encoding === 'csv'
          ? new CsvRowGroupReader(rows.chunks, schema, kinds, table)
          : textGroups(new RowGroupReader(rows.batches, schema.columns.length, table), (g) => arrowGroupFromText(schema, kinds, g));
      const write = encodeInWorker && parquetWorkerAvailable() ? writeArrowParquetPartInWorker : writeArrowParquetPart;
      yield* parts(table, bounds, reader, evenBatchRows(rowGroupRows), (next) => write(schema, kinds, compression, rowGroupRows, next));
      return;
    }
    if (rows.encoding !== 'columnar') {
      throw floeError('internal', `The parquetjs-lite Parquet serializer was given a '${rows.encoding}' row stream.`, "Extract with encoding 'columnar' for the parquetjs-lite engine.", { object: table });
    }
    const reader = new RowGroupReader(rows.batches, schema.columns.length, table);
    yield* parts(table, bounds, reader, rowGroupRows, (next) => writeParquetjsLitePart(schema, kinds, compression, rowGroupRows, next));
  }

  /**
   * Cuts the reader's rows into parts. The writer is fed batches of `batchRows` (at most a row
   * group: the arrow engine's writer joins them into row groups), and a part ends at `maxRows`
   * exactly or, once past `maxBytes`, at the next row-group boundary.
   */
  async function* parts<G extends { readonly rowCount: number }>(table: string, bounds: PartBounds, reader: GroupSource<G>, batchRows: number, writePart: (next: () => Promise<G | null>) => AsyncGenerator<Uint8Array>): AsyncGenerator<SerializedPart> {
    try {
      let index = 0;
      do {
        const partIndex = index;
        let partRows = 0;
        let partBytes = 0;
        const next = async (): Promise<G | null> => {
          if (partRows >= bounds.maxRows || (partBytes >= bounds.maxBytes && partRows % rowGroupRows === 0)) return null;
          // Never past the end of the current row group, so a part cut by maxBytes ends on a row group.
          const group = await reader.take(Math.min(batchRows, rowGroupRows - (partRows % rowGroupRows), bounds.maxRows - partRows));
          if (group.rowCount === 0) return null;
          partRows += group.rowCount;
          return group;
        };
        let settle: (r: Result<PartStats, FloeError>) => void = () => undefined;
        const stats = new Promise<Result<PartStats, FloeError>>((resolve) => (settle = resolve));
        const body = async function* (): AsyncGenerator<Uint8Array> {
          const hash = createHash('sha256');
          let settled = false;
          try {
            for await (const chunk of writePart(next)) {
              partBytes += chunk.byteLength;
              hash.update(chunk);
              yield chunk;
            }
            settled = true;
            settle(ok({ rows: partRows, bytes: partBytes, sha256: hash.digest('hex') }));
          } catch (e) {
            settled = true;
            const failure = asFloeError(e, 'serialize', `Writing Parquet part ${partIndex} of ${table} failed`, 'Check the error cause; the run is discarded and can be re-run.', table);
            settle(err(failure));
            throw failure;
          } finally {
            if (!settled) settle(err(floeError('aborted', `Parquet part ${partIndex} of ${table} was not read to its end.`, 'The consumer stopped early; the run is discarded.', { object: table })));
          }
        };
        yield { index: partIndex, extension: 'parquet', contentType: 'application/vnd.apache.parquet', body: body(), stats };
        if ((await stats).isErr()) return;
        index += 1;
      } while (await reader.hasMore());
    } finally {
      await reader.close();
    }
  }

  // The arrow engine reads COPY CSV (the fast path); parquetjs-lite reads text batches.
  return { format: 'parquet', compression, accepts: engine === 'arrow' ? copyFormat : 'columnar', check, serialize };
}

/**
 * Rows per batch for the arrow engine: at most `ARROW_BATCH_ROWS`, and an even share of a row
 * group (100 000 rows go as 13 batches of about 7 693, not 12 × 8 192 and a runt of 1 696).
 */
function evenBatchRows(rowGroupRows: number): number {
  return Math.ceil(rowGroupRows / Math.ceil(rowGroupRows / ARROW_BATCH_ROWS));
}

/** Row groups on demand: the CSV decoder and the text batch reader both have this shape. */
interface GroupSource<G> {
  take(maxRows: number): Promise<G>;
  hasMore(): Promise<boolean>;
  close(): Promise<void>;
}

function textGroups<G>(reader: RowGroupReader, build: (g: RowGroupValues) => G): GroupSource<G> {
  return {
    take: async (maxRows) => build(await reader.take(maxRows)),
    hasMore: () => reader.hasMore(),
    close: () => reader.close(),
  };
}
