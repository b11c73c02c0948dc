import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Manifest, ManifestFile } from '../contracts/run.js';
import type { SerializedPart } from '../contracts/serializer.js';
import type { RunLocation, Uploader } from '../contracts/uploader.js';
import { floeError, isFloeError, type FloeError } from '../errors.js';
import { HashCounter } from '../util/hash-counter.js';
import { baseName, joinKey, MANIFEST_NAME, partFileName, publishedRunDir, stagingRunDir } from '../util/keys.js';
import { parseManifest } from '../util/manifest-json.js';
import { asFloeError } from '../util/stream-errors.js';

/** Options of {@link createLocalUploader}. */
export interface LocalUploaderOptions {
  /** Root folder; created when missing. */
  readonly dir: string;
}

function mapFsError(e: unknown, what: string, path: string): FloeError {
  if (isFloeError(e)) return e;
  const code = (e as { code?: string } | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return floeError('disk_full', `${what} failed: no space left on the device holding ${path}.`, 'Free disk space or point the local output folder at a larger volume, then re-run (nothing was published).', { object: path, cause: e });
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return floeError('upload', `${what} failed: permission denied on ${path} (${code}).`, 'Make the output folder writable by the user running floe, or choose another folder.', { object: path, cause: e });
  }
  return asFloeError(e, 'upload', `${what} failed on ${path}`, 'Check the error cause; the run was not published and can be re-run.', path);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return false;
    throw e;
  }
}

async function dirNames(path: string, prefix: string): Promise<string[]> {
  try {
    return (await readdir(path, { withFileTypes: true })).filter((d) => d.isDirectory() && d.name.startsWith(prefix)).map((d) => d.name);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return [];
    throw e;
  }
}

/**
 * The S3 layout in a folder: parts are written under `_staging/<table>/run=<id>/`, moved with
 * `rename` (atomic on one file system) to `<table>/dt=<date>/run=<id>/` on publish, and the
 * manifest is written to a temporary file and renamed into place last, so a reader never sees a
 * half-written manifest. Manifest keys are paths relative to `dir`, with `/` separators.
 */
export function createLocalUploader(options: LocalUploaderOptions): Uploader {
  const root = resolve(options.dir);
  const abs = (key: string) => join(root, ...key.split('/'));

  const putPart = (run: RunLocation, part: SerializedPart): ResultAsync<ManifestFile, FloeError> => {
    const name = partFileName(part.index, part.extension);
    const staged = abs(joinKey(stagingRunDir('', run), name));
    const go = async (): Promise<ManifestFile> => {
      await mkdir(abs(stagingRunDir('', run)), { recursive: true });
      const hashed = new HashCounter();
      const source = Readable.from(part.body, { objectMode: false });
      let sourceError: unknown;
      // Recorded on the source itself: pipeline then destroys the file stream with the same error.
      source.once('error', (e) => (sourceError ??= e));
      try {
        await pipeline(source, hashed, createWriteStream(staged));
      } catch (e) {
        if (sourceError === undefined) throw mapFsError(e, `Writing part ${part.index} of ${run.table}`, staged);
        const stats = await part.stats;
        if (stats.isErr()) throw stats.error;
        throw asFloeError(sourceError, 'serialize', `Reading part ${part.index} of ${run.table} failed`, 'Check the error cause; the run was not published.', staged);
      }
      const stats = await part.stats;
      if (stats.isErr()) throw stats.error;
      const sent = hashed.result();
      if (sent.sha256 !== stats.value.sha256) {
        throw floeError('internal', `Part ${part.index} of ${run.table}: the bytes written differ from what the serializer produced.`, 'Report this as a bug; the run was not published.', { object: staged });
      }
      return { key: joinKey(publishedRunDir('', run), name), rows: stats.value.rows, bytes: sent.bytes, sha256: sent.sha256 };
    };
    return ResultAsync.fromPromise(go(), (e) => mapFsError(e, `Writing part ${part.index} of ${run.table}`, staged));
  };

  const publish = (run: RunLocation, manifest: Manifest): ResultAsync<Manifest, FloeError> => {
    const runDirKey = publishedRunDir('', run);
    const runDir = abs(runDirKey);
    const stagingDir = abs(stagingRunDir('', run));
    for (const f of manifest.files) {
      if (f.key !== joinKey(runDirKey, baseName(f.key))) {
        return errAsync(floeError('internal', `Manifest file ${f.key} is not under the run's folder ${runDirKey}/.`, 'Pass the ManifestFile values returned by putPart unchanged.', { object: f.key }));
      }
    }
    const go = async (): Promise<Manifest> => {
      if (await exists(runDir)) {
        throw floeError('upload', `Run ${run.runId} of ${run.table} is already published at ${runDir}.`, 'A published run is never overwritten: re-run with a new run id (the default).', { object: runDir });
      }
      await mkdir(runDir, { recursive: true });
      for (const f of manifest.files) {
        const target = abs(f.key);
        await rename(join(stagingDir, baseName(f.key)), target);
        const size = (await stat(target)).size;
        if (size !== f.bytes) {
          throw floeError('upload', `Published ${target} has ${size} bytes, the staged part had ${f.bytes}.`, 'Re-run the extract; the manifest was not written.', { object: target });
        }
      }
      const temp = join(stagingDir, `.manifest-${randomBytes(4).toString('hex')}.tmp`);
      await writeFile(temp, `${JSON.stringify(manifest, null, 2)}\n`);
      await rename(temp, join(runDir, MANIFEST_NAME));
      await rm(stagingDir, { recursive: true, force: true });
      return manifest;
    };
    return ResultAsync.fromPromise(go(), (e) => mapFsError(e, `Publishing run ${run.runId} of ${run.table}`, runDir));
  };

  const listManifests = (table: string, partitionDate?: string): ResultAsync<Manifest[], FloeError> => {
    const tableDir = abs(table);
    const go = async (): Promise<Manifest[]> => {
      const days = partitionDate !== undefined ? [`dt=${partitionDate}`] : await dirNames(tableDir, 'dt=');
      const out: Manifest[] = [];
      for (const day of days) {
        for (const runName of await dirNames(join(tableDir, day), 'run=')) {
          const path = join(tableDir, day, runName, MANIFEST_NAME);
          let text: string;
          try {
            text = await readFile(path, 'utf8');
          } catch (e) {
            if ((e as { code?: string }).code === 'ENOENT') continue; // a run still publishing
            throw e;
          }
          const parsed = parseManifest(text, path);
          if (parsed.isErr()) throw parsed.error;
          out.push(parsed.value);
        }
      }
      return out.sort((a, b) => (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));
    };
    return ResultAsync.fromPromise(go(), (e) => mapFsError(e, `Listing manifests of ${table}`, tableDir));
  };

  return {
    root: root.endsWith(sep) ? root : `${root}${sep}`,
    putPart,
    publish,
    discard: (run) => ResultAsync.fromPromise(rm(abs(stagingRunDir('', run)), { recursive: true, force: true }), (e) => mapFsError(e, `Discarding run ${run.runId}`, abs(stagingRunDir('', run)))).andThen(() => okAsync(undefined)),
    listManifests,
  };
}
