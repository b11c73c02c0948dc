import type { TableSchema } from './schema.js';
import type { ExtractWindow, Watermark } from './window.js';

/**
 * A run id sorts by time (`20050531T020000123Z-3f9a1c2e`): Snowflake's MERGE keeps the row from the
 * greatest run id, so "latest delivery wins" is a string comparison.
 */
export type RunId = string;

export type FileFormat = 'csv' | 'parquet';

/** One uploaded part file. */
export interface ManifestFile {
  /** Object key (S3) or path relative to the root (local folder). */
  readonly key: string;
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
}

/** `_manifest.json`, written last: its presence means the run's files are all in place. */
export interface Manifest {
  readonly version: 1;
  readonly runId: RunId;
  readonly table: string;
  readonly format: FileFormat;
  readonly compression: 'gzip' | 'snappy' | 'zstd' | 'none';
  readonly window: ExtractWindow;
  /** The `dt=` partition: the window's day, or the run's UTC start day for cursor and full runs. */
  readonly partitionDate: string;
  readonly files: readonly ManifestFile[];
  readonly rows: number;
  readonly bytes: number;
  readonly schema: TableSchema;
  /** Cursor runs: the range this run covered; the next run starts above `to`. */
  readonly watermark?: { readonly from: Watermark | null; readonly to: Watermark | null };
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly floeVersion: string;
}
