import type { RunLocation } from '../contracts/uploader.js';

/** Joins key segments with `/`, dropping empty ones and stray slashes at their edges. */
export function joinKey(...segments: readonly string[]): string {
  return segments
    .map((s) => s.replace(/^\/+|\/+$/g, ''))
    .filter((s) => s.length > 0)
    .join('/');
}

/** `part-00000.csv.gz`: five digits so part names sort in write order. */
export function partFileName(index: number, extension: string): string {
  return `part-${String(index).padStart(5, '0')}.${extension}`;
}

/** `<prefix>/<table>/dt=<date>/run=<runId>`: the folder Snowpipe watches (files land here only when published). */
export function publishedRunDir(prefix: string, run: RunLocation): string {
  return joinKey(prefix, run.table, `dt=${run.partitionDate}`, `run=${run.runId}`);
}

/** `<prefix>/_staging/<table>/run=<runId>`: outside every pipe path, so staged parts are never loaded. */
export function stagingRunDir(prefix: string, run: RunLocation): string {
  return joinKey(prefix, '_staging', run.table, `run=${run.runId}`);
}

/** `<prefix>/<table>/_watermark.json`. */
export function watermarkKey(prefix: string, table: string): string {
  return joinKey(prefix, table, '_watermark.json');
}

export const MANIFEST_NAME = '_manifest.json';

/** The last path segment of a key. */
export function baseName(key: string): string {
  const i = key.lastIndexOf('/');
  return i < 0 ? key : key.slice(i + 1);
}
