import type { ResultAsync } from 'neverthrow';
import type { FloeError } from '../errors.js';
import type { Extractor } from './extractor.js';
import type { ManifestFile, RunId } from './run.js';
import type { PartBounds, Serializer } from './serializer.js';
import type { Uploader } from './uploader.js';
import type { ExtractWindow, Watermark } from './window.js';

/** Where cursor runs keep their committed watermark (next to the data, or a local file). */
export interface WatermarkStore {
  get(table: string): ResultAsync<Watermark | null, FloeError>;
  /** Called only after the run's files and manifest are all published. */
  set(table: string, watermark: Watermark, runId: RunId): ResultAsync<void, FloeError>;
}

export interface RunProgress {
  readonly table: string;
  readonly runId: RunId;
  readonly rows: number;
  readonly bytes: number;
  readonly parts: number;
  readonly phase: 'extracting' | 'publishing' | 'done';
}

/** One table's extract: the three composable pieces and the knobs of the run. */
export interface ExtractJob {
  /** Logical table name used in object keys and manifests, e.g. `sales`. */
  readonly table: string;
  readonly extractor: Extractor;
  readonly serializer: Serializer;
  readonly uploader: Uploader;
  readonly bounds?: Partial<PartBounds>;
  /** Required for cursor windows. */
  readonly watermarks?: WatermarkStore;
  /** Aborting stops the run cleanly: staged parts discarded, no manifest, no watermark move. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: RunProgress) => void;
  /** Generated (time-sortable, unique) when absent. */
  readonly runId?: RunId;
  readonly now?: () => Date;
}

/** What one run did. A run that failed still returns a report through the error channel's cause. */
export interface RunReport {
  readonly status: 'ok';
  readonly runId: RunId;
  readonly table: string;
  readonly window: ExtractWindow;
  readonly partitionDate: string;
  readonly files: readonly ManifestFile[];
  readonly rows: number;
  readonly bytes: number;
  readonly manifestKey: string;
  readonly watermark?: { readonly from: Watermark | null; readonly to: Watermark | null };
  readonly startedAt: string;
  readonly durationMs: number;
}

export type RunExtract = (job: ExtractJob, window: ExtractWindow) => ResultAsync<RunReport, FloeError>;
