import type { ResultAsync } from 'neverthrow';
import type { FloeError } from '../errors.js';
import type { TableSchema } from './schema.js';
import type { ExtractWindow, Watermark } from './window.js';

/**
 * What an extraction produces, in the encoding the serializer asked for.
 * - `csv`: RFC 4180 records without a header, PostgreSQL COPY conventions: NULL is an unquoted
 *   empty field, an empty string is `""`; values rendered by PostgreSQL in the session settings the
 *   extractor fixes (ISO dates, UTC, full float precision). Bytes pass straight through.
 * - `binary`: PostgreSQL `COPY ... (FORMAT binary)` bytes. Columns of type int2, int4, int8, float4,
 *   float8, bool, numeric, date, timestamp, timestamptz, time, bytea, text, varchar and char come
 *   in their binary send forms (numeric may hold NaN/±Infinity: the reader must refuse them); every
 *   other column (arrays, json, uuid, interval, money, ...) comes as its floe text form, UTF-8.
 * - `columnar`: batches of column vectors holding PostgreSQL's text form of each value (null for
 *   NULL), so NUMERIC stays an exact decimal string until the serializer encodes it.
 */
export type RowStream =
  | { readonly encoding: 'csv'; readonly chunks: AsyncIterable<Uint8Array> }
  | { readonly encoding: 'binary'; readonly chunks: AsyncIterable<Uint8Array> }
  | { readonly encoding: 'columnar'; readonly batches: AsyncIterable<ColumnBatch> };

export type RowEncoding = RowStream['encoding'];

export interface ColumnBatch {
  readonly rowCount: number;
  /** columns[c][r]: PostgreSQL text of row r, column c, or null. */
  readonly columns: ReadonlyArray<ReadonlyArray<string | null>>;
}

/** One extraction inside one consistent snapshot. Call `close()` whatever happens. */
export interface Extraction {
  readonly schema: TableSchema;
  /**
   * The window's rows: one stream, or one per slice when the extractor splits the window over
   * several connections (disjoint key ranges of one snapshot, read concurrently). Read every one.
   */
  readonly slices: readonly RowStream[];
  /** Cursor windows: the upper bound chosen in the snapshot (null when no row qualified). */
  readonly upperBound: Watermark | null;
  /** Resolves once the rows have been fully read; rejects into a FloeError if the read failed. */
  readonly finished: ResultAsync<{ readonly rows: number }, FloeError>;
  close(): Promise<void>;
}

export interface Extractor {
  /** Reads the column types from the catalog. Errors: unknown_table, source_*. */
  describe(): ResultAsync<TableSchema, FloeError>;
  /** Opens a REPEATABLE READ, READ ONLY snapshot and starts streaming the window's rows. */
  extract(window: ExtractWindow, encoding: RowEncoding): ResultAsync<Extraction, FloeError>;
}
