import { err, ok, ResultAsync, type Result } from 'neverthrow';
import pkg from '../../package.json' with { type: 'json' };
import type { Extraction, RowStream } from '../contracts/extractor.js';
import type { ExtractJob, RunProgress, RunReport } from '../contracts/pipeline.js';
import type { Manifest, ManifestFile } from '../contracts/run.js';
import type { PartBounds } from '../contracts/serializer.js';
import type { RunLocation } from '../contracts/uploader.js';
import type { ExtractWindow, Watermark } from '../contracts/window.js';
import { floeError, isFloeError, type FloeError } from '../errors.js';
import { isRunId, newRunId } from './run-id.js';

/**
 * Default part bounds. Snowflake loads fastest from files of roughly 100–250 MB compressed; 512 MiB
 * of uncompressed CSV gzips to about that, and the row cap keeps Parquet row groups manageable.
 */
export const DEFAULT_PART_BOUNDS: PartBounds = { maxRows: 10_000_000, maxBytes: 512 * 1024 * 1024 };

/**
 * Runs one table's extract end to end: extract in one snapshot, serialize into parts, stage each
 * part, then publish the parts and the manifest (last), then, for cursor windows, commit the
 * watermark. Any failure or abort discards the staged parts and returns the error: no manifest is
 * written and the watermark does not move, so re-running is always safe.
 *
 * A cursor window with `after: null` starts from the job's stored watermark (if any); pass an
 * explicit `after` to override it.
 */
export function runExtract(job: ExtractJob, window: ExtractWindow): ResultAsync<RunReport, FloeError> {
  return new ResultAsync(run(job, window).catch((e: unknown) => err(asError(e, job.table))));
}

function asError(e: unknown, table: string): FloeError {
  if (isFloeError(e)) return e;
  const detail = e instanceof Error ? e.message : String(e);
  return floeError('internal', `The run for ${table} failed unexpectedly: ${detail}.`, 'Report this as a floe bug with the message above; nothing was published.', { object: table, cause: e });
}

function abortedError(table: string): FloeError {
  return floeError('aborted', `The run for ${table} was aborted.`, 'Nothing was published and the watermark did not move; re-run when ready.', { object: table });
}

/** Throws the FloeError of a failed Result so the one cleanup path below handles every failure. */
function unwrap<T>(r: Result<T, FloeError>): T {
  if (r.isErr()) throw r.error;
  return r.value;
}

async function run(job: ExtractJob, window: ExtractWindow): Promise<Result<RunReport, FloeError>> {
  const now = job.now ?? (() => new Date());
  const started = now();
  const startedAt = started.toISOString();
  const runId = job.runId ?? newRunId(started);
  const table = job.table;
  if (!isRunId(runId)) {
    return err(floeError('config', `Run id "${runId}" does not have the form YYYYMMDDTHHMMSSmmmZ-xxxxxxxx.`, 'Leave runId out to have one generated, or pass one of that form (it must sort by time).', { object: table }));
  }
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(table)) {
    return err(floeError('config', `Table name "${table}" cannot be used in object keys.`, 'Use letters, digits, "_", "-" and "." only (e.g. sales).', { object: table }));
  }
  const partitionDate = window.kind === 'day' ? window.date : startedAt.slice(0, 10);
  const location: RunLocation = { table, partitionDate, runId };
  const bounds: PartBounds = { ...DEFAULT_PART_BOUNDS, ...job.bounds };
  const signal = job.signal;
  const progress = (p: Omit<RunProgress, 'table' | 'runId'>) => job.onProgress?.({ table, runId, ...p });

  let effective = window;
  let from: Watermark | null = null;
  if (window.kind === 'cursor') {
    if (!job.watermarks) {
      return err(floeError('config', `A cursor window on ${table} needs a watermark store.`, 'Pass job.watermarks (createFileWatermarkStore, createS3WatermarkStore or createMemoryWatermarkStore).', { object: table }));
    }
    from = window.after ?? unwrap(await job.watermarks.get(table));
    effective = { ...window, after: from };
  }

  if (signal?.aborted) return err(abortedError(table));
  const schema = unwrap(await job.extractor.describe());
  unwrap(job.serializer.check(schema));

  let extraction: Extraction | undefined;
  const onAbort = () => void extraction?.close();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    extraction = unwrap(await job.extractor.extract(effective, job.serializer.accepts));
    // The snapshot's schema is the one written: the table may have changed since describe().
    unwrap(job.serializer.check(extraction.schema));
    const files: ManifestFile[] = [];
    let rows = 0;
    let bytes = 0;
    let nextIndex = 0;
    progress({ rows, bytes, parts: 0, phase: 'extracting' });
    const open = extraction;
    // Each slice (one, unless the extractor splits the window) is serialized and uploaded on its
    // own; part numbers are handed out as parts start, so they are unique across slices.
    const drain = async (slice: RowStream) => {
      for await (const part of job.serializer.serialize(open.schema, slice, bounds)) {
        if (signal?.aborted) throw abortedError(table);
        const file = unwrap(await job.uploader.putPart(location, { ...part, index: nextIndex++ }));
        files.push(file);
        rows += file.rows;
        bytes += file.bytes;
        progress({ rows, bytes, parts: files.length, phase: 'extracting' });
      }
    };
    const failures: unknown[] = [];
    await Promise.all(
      open.slices.map((slice) =>
        drain(slice).catch((e: unknown) => {
          failures.push(e);
          // The first failure stops the other slices; their errors are consequences of it.
          void open.close();
        }),
      ),
    );
    if (failures.length > 0) throw failures[0];
    files.sort((a, b) => a.key.localeCompare(b.key, 'en', { numeric: true }));
    if (signal?.aborted) throw abortedError(table);
    const read = unwrap(await extraction.finished);
    if (read.rows !== rows) {
      throw floeError('internal', `PostgreSQL returned ${read.rows} rows for ${table} but the parts hold ${rows}.`, 'Nothing was published; report this as a floe bug.', { object: table });
    }
    const watermark = window.kind === 'cursor' ? { from, to: extraction.upperBound } : undefined;
    const manifest: Manifest = {
      version: 1,
      runId,
      table,
      format: job.serializer.format,
      compression: job.serializer.compression,
      window: effective,
      partitionDate,
      files,
      rows,
      bytes,
      schema: extraction.schema,
      ...(watermark ? { watermark } : {}),
      startedAt,
      finishedAt: now().toISOString(),
      floeVersion: pkg.version,
    };
    progress({ rows, bytes, parts: files.length, phase: 'publishing' });
    if (signal?.aborted) throw abortedError(table);
    const published = unwrap(await job.uploader.publish(location, manifest));
    // Only now, with every file and the manifest in place, may the next run start above `to`.
    if (watermark?.to && job.watermarks) unwrap(await job.watermarks.set(table, watermark.to, runId));
    await extraction.close();
    progress({ rows, bytes, parts: files.length, phase: 'done' });
    return ok({
      status: 'ok',
      runId,
      table,
      window: effective,
      partitionDate,
      files: published.files,
      rows,
      bytes,
      manifestKey: manifestKeyOf(published.files.length > 0 ? published.files : files, location),
      ...(watermark ? { watermark } : {}),
      startedAt,
      durationMs: now().getTime() - started.getTime(),
    });
  } catch (e) {
    // Once aborted, whatever broke downstream (a destroyed stream) is a consequence of the abort.
    const error = signal?.aborted ? abortedError(table) : asError(e, table);
    await extraction?.close().catch(() => undefined);
    // Best effort: a discard that fails leaves staged parts outside every pipe path, never loaded.
    await job.uploader.discard(location);
    return err(error);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** The manifest sits beside the published parts: `<run folder>/_manifest.json`. */
function manifestKeyOf(files: readonly ManifestFile[], run: RunLocation): string {
  const first = files[0]?.key;
  if (first !== undefined && first.includes('/')) return `${first.slice(0, first.lastIndexOf('/'))}/_manifest.json`;
  return `${run.table}/dt=${run.partitionDate}/run=${run.runId}/_manifest.json`;
}
