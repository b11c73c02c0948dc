import { ResultAsync } from 'neverthrow';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { WatermarkStore } from '../contracts/pipeline.js';
import type { RunId } from '../contracts/run.js';
import type { Watermark } from '../contracts/window.js';
import { floeError, isFloeError, type FloeError } from '../errors.js';

/** The file's content: one committed watermark per table, with the run that committed it. */
interface WatermarkFile {
  readonly version: 1;
  readonly tables: Record<string, { readonly watermark: Watermark; readonly runId: RunId; readonly committedAt: string }>;
}

/**
 * A {@link WatermarkStore} in one local JSON file. Writes go to a temporary file in the same folder
 * and are renamed over the old one, so a crash leaves either the old or the new file, never half.
 * Writes from this process are queued so two tables committing at once do not lose each other.
 */
export function createFileWatermarkStore(path: string): WatermarkStore {
  let queue: Promise<unknown> = Promise.resolve();

  const read = async (): Promise<WatermarkFile> => {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, tables: {} };
      throw e;
    }
    const parsed = JSON.parse(text) as Partial<WatermarkFile>;
    if (parsed.version !== 1 || typeof parsed.tables !== 'object' || parsed.tables === null) {
      throw floeError('config', `Watermark file ${path} is not a floe watermark file (version 1).`, 'Move the file away to start from no watermark, or point floe at the right file.', { object: path });
    }
    return { version: 1, tables: parsed.tables };
  };

  const wrap = (action: string) => (e: unknown): FloeError => {
    if (isFloeError(e)) return e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC') return floeError('disk_full', `No space left to ${action} ${path}.`, 'Free disk space and re-run; the previous watermark is intact.', { object: path, cause: e });
    const detail = e instanceof Error ? e.message : String(e);
    return floeError('config', `Cannot ${action} watermark file ${path}: ${detail}.`, 'Check that the folder exists and is writable, and that the file holds valid JSON.', { object: path, cause: e });
  };

  return {
    get(table) {
      return ResultAsync.fromPromise(
        read().then((f) => f.tables[table]?.watermark ?? null),
        wrap('read'),
      );
    },
    set(table, watermark, runId) {
      const job = queue.then(async () => {
        const current = await read();
        const next: WatermarkFile = {
          version: 1,
          tables: { ...current.tables, [table]: { watermark: { column: watermark.column, value: watermark.value }, runId, committedAt: new Date().toISOString() } },
        };
        await mkdir(dirname(path), { recursive: true });
        const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
        try {
          await writeFile(tmp, `${JSON.stringify(next, null, 2)}\n`, { flag: 'wx' });
          await rename(tmp, path);
        } catch (e) {
          await rm(tmp, { force: true }).catch(() => undefined);
          throw e;
        }
      });
      queue = job.catch(() => undefined);
      return ResultAsync.fromPromise(job, wrap('write'));
    },
  };
}
