import { err, ok, type Result } from 'neverthrow';
import { createHash } from 'node:crypto';
import type { RowStream } from '../contracts/extractor.js';
import type { TableSchema } from '../contracts/schema.js';
import type { PartBounds, PartStats, SerializedPart, Serializer } from '../contracts/serializer.js';
import { floeError, type FloeError } from '../errors.js';
import { validateBounds } from '../util/bounds.js';
import { asFloeError } from '../util/stream-errors.js';
import { writeArrowParquetPart, type NextRowGroup, type ParquetCompression } from './arrow-parquet-part.js';
import { parquetColumnKind, type ParquetColumnKind } from './parquet-column-kind.js';
import { parquetjsLiteRefusal, writeParquetjsLitePart } from './parquetjs-lite-part.js';
import { RowGroupReader } from './row-group-reader.js';

/** Options of {@link createParquetSerializer}. */
export interface ParquetSerializerOptions {
  /**
   * `arrow` (default): apache-arrow + parquet-wasm, exact DECIMAL, fast. `parquetjs-lite`: pure
   * JS, refuses numeric columns in `check` (it has no DECIMAL type) and values it would round.
   */
  readonly engine?: 'arrow' | 'parquetjs-lite';
  readonly compression?: ParquetCompression;
  /** Rows per row group (default 100 000); memory holds about one row group. */
  readonly rowGroupRows?: number;
}

type PartWriter = typeof writeArrowParquetPart;

/**
 * Writes the extractor's columnar batches (PostgreSQL text) as Parquet parts, typed from the
 * catalog schema, never from values:
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
 * zero rows for an empty input. `serialize` throws a FloeError for a non-columnar stream, bad
 * bounds or a refused column.
 */
export function createParquetSerializer(options: ParquetSerializerOptions = {}): Serializer {
  const engine = options.engine ?? 'arrow';
  const compression = options.compression ?? 'snappy';
  const rowGroupRows = options.rowGroupRows ?? 100_000;
  if (!Number.isSafeInteger(rowGroupRows) || rowGroupRows < 1) {
    throw floeError('config', `rowGroupRows must be a positive integer, got ${String(rowGroupRows)}.`, 'Set rowGroupRows to a positive whole number (100000 is a good default).', { object: 'rowGroupRows' });
  }
  if (engine === 'parquetjs-lite' && compression === 'zstd') {
    throw floeError('config', 'The parquetjs-lite engine cannot write zstd.', "Use compression 'snappy' or 'none', or the 'arrow' engine.", { object: 'compression' });
  }
  const writePart: PartWriter = engine === 'arrow' ? writeArrowParquetPart : writeParquetjsLitePart;

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
    if (rows.encoding !== 'columnar') {
      throw floeError('internal', `The Parquet serializer was given a '${rows.encoding}' row stream.`, "Extract with encoding 'columnar' for the Parquet serializer.", { object: table });
    }
    validateBounds(bounds);
    const checked = check(schema);
    if (checked.isErr()) throw checked.error;
    const kinds: ParquetColumnKind[] = schema.columns.map(parquetColumnKind);
    const reader = new RowGroupReader(rows.batches, schema.columns.length, table);
    try {
      let index = 0;
      do {
        const partIndex = index;
        let partRows = 0;
        let partBytes = 0;
        const next: NextRowGroup = async () => {
          if (partRows >= bounds.maxRows || partBytes >= bounds.maxBytes) return null;
          const group = await reader.take(Math.min(rowGroupRows, bounds.maxRows - partRows));
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
            for await (const chunk of writePart(schema, kinds, compression, rowGroupRows, next)) {
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

  return { format: 'parquet', compression, accepts: 'columnar', check, serialize };
}
