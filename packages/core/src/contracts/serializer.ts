import type { FloeError } from '../errors.js';
import type { FileFormat } from './run.js';
import type { RowEncoding, RowStream } from './extractor.js';
import type { TableSchema } from './schema.js';
import type { Result } from 'neverthrow';

/** Bounds at which a serializer rolls over to a new part file (whichever is hit first). */
export interface PartBounds {
  readonly maxRows: number;
  /** Uncompressed-ish bytes for CSV, encoded bytes for Parquet; a soft bound checked between rows. */
  readonly maxBytes: number;
}

export interface PartStats {
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
}

/**
 * One part file being written. The consumer must drain `body` before asking the serializer for the
 * next part; `stats` settles once `body` has ended.
 */
export interface SerializedPart {
  readonly index: number;
  /** e.g. `csv.gz`, `parquet` */
  readonly extension: string;
  readonly contentType: string;
  readonly contentEncoding?: string;
  readonly body: AsyncIterable<Uint8Array>;
  readonly stats: Promise<Result<PartStats, FloeError>>;
}

export interface Serializer {
  readonly format: FileFormat;
  readonly compression: 'gzip' | 'snappy' | 'zstd' | 'none';
  /** The row encoding this serializer consumes. */
  readonly accepts: RowEncoding;
  /**
   * Checks up front that every column can be written exactly; an engine that cannot keep a column
   * exact refuses it here (kind `unsupported_value`) rather than rounding.
   */
  check(schema: TableSchema): Result<void, FloeError>;
  serialize(schema: TableSchema, rows: RowStream, bounds: PartBounds): AsyncIterable<SerializedPart>;
}
