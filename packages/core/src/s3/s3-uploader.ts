import { CopyObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import type { Manifest, ManifestFile } from '../contracts/run.js';
import type { SerializedPart } from '../contracts/serializer.js';
import type { RunLocation, Uploader } from '../contracts/uploader.js';
import { floeError, isFloeError, type FloeError } from '../errors.js';
import { baseName, joinKey, MANIFEST_NAME, partFileName, publishedRunDir, stagingRunDir } from '../util/keys.js';
import { parseManifest } from '../util/manifest-json.js';
import { asFloeError } from '../util/stream-errors.js';
import { mapS3Error } from './s3-errors.js';
import { BodyError, S3CallError, uploadStream, type StreamedResult } from './s3-multipart.js';
import { lazyClient, S3Objects, sseParams, type S3ClientSource, type S3Encryption } from './s3-objects.js';

/** Options of {@link createS3Uploader}. */
export interface S3UploaderOptions {
  readonly client: S3ClientSource;
  readonly bucket: string;
  /** Key prefix of every object floe writes (`''` for the bucket root). */
  readonly prefix: string;
  readonly sse?: S3Encryption;
  /** Multipart part size (default and minimum 5 MiB, S3's own minimum). */
  readonly partSizeBytes?: number;
  /** Parts uploaded concurrently per file (default 4); each file holds queueSize + 1 part buffers while it uploads. */
  readonly queueSize?: number;
}

const MIN_PART = 5 * 1024 * 1024;

/**
 * Uploads a run's parts to `<prefix>/_staging/<table>/run=<id>/` (outside every pipe path), and on
 * `publish` copies them to `<prefix>/<table>/dt=<date>/run=<id>/`, checks each copy's size, writes
 * `_manifest.json` last and removes the staged copies. A run that fails before `publish` leaves
 * nothing where Snowpipe looks; a published run is never overwritten.
 */
export function createS3Uploader(options: S3UploaderOptions): Uploader {
  const { bucket, sse } = options;
  const prefix = joinKey(options.prefix);
  const client = lazyClient(options.client);
  const objects = new S3Objects(client, bucket, sse);
  const partSize = Math.max(MIN_PART, options.partSizeBytes ?? MIN_PART);
  const queueSize = options.queueSize ?? 4;

  const putPart = (run: RunLocation, part: SerializedPart): ResultAsync<ManifestFile, FloeError> => {
    const name = partFileName(part.index, part.extension);
    const stagingKey = joinKey(stagingRunDir(prefix, run), name);
    const publishedKey = joinKey(publishedRunDir(prefix, run), name);
    const run_ = async (): Promise<ManifestFile> => {
      const object = { Bucket: bucket, Key: stagingKey, ContentType: part.contentType, ...(part.contentEncoding !== undefined ? { ContentEncoding: part.contentEncoding } : {}), ...sseParams(sse) };
      let sent: StreamedResult;
      try {
        sent = await uploadStream(client(), object, part.body, partSize, queueSize);
      } catch (e) {
        if (e instanceof BodyError) {
          // The serializer's own error (its stats carry it, mapped), else the stream's.
          const stats = await part.stats;
          if (stats.isErr()) throw stats.error;
          throw asFloeError(e.cause, 'serialize', `Reading part ${part.index} of ${run.table} failed`, 'Check the error cause; the run was not published.', stagingKey);
        }
        if (e instanceof S3CallError) throw mapS3Error(e.cause, { operation: e.operation, bucket, key: stagingKey });
        throw e;
      }
      const stats = await part.stats;
      if (stats.isErr()) throw stats.error;
      if (sent.sha256 !== stats.value.sha256 || sent.bytes !== stats.value.bytes) {
        throw floeError('internal', `Part ${part.index} of ${run.table}: the bytes uploaded (${sent.bytes}, sha256 ${sent.sha256}) differ from what the serializer wrote (${stats.value.bytes}, ${stats.value.sha256}).`, 'Report this as a bug; the run was not published.', { object: stagingKey });
      }
      return { key: publishedKey, rows: stats.value.rows, bytes: sent.bytes, sha256: sent.sha256 };
    };
    return ResultAsync.fromPromise(run_(), (e) => (isFloeError(e) ? e : mapS3Error(e, { operation: 'Upload', bucket, key: stagingKey })));
  };

  const copyAndVerify = (run: RunLocation, file: ManifestFile): ResultAsync<void, FloeError> => {
    const dir = publishedRunDir(prefix, run);
    const name = baseName(file.key);
    if (file.key !== joinKey(dir, name)) {
      return errAsync(floeError('internal', `Manifest file ${file.key} is not under the run's folder ${dir}/.`, 'Pass the ManifestFile values returned by putPart unchanged.', { object: file.key }));
    }
    const source = joinKey(stagingRunDir(prefix, run), name);
    // URL-encoded as S3 requires, but `=` (in every `dt=`/`run=` segment) kept literal: AWS accepts
    // it either way and some S3-compatible servers decode the header with decodeURI only.
    const copySource = `${bucket}/${source.split('/').map((s) => encodeURIComponent(s).replace(/%3D/g, '=')).join('/')}`;
    const copy = ResultAsync.fromPromise(
      client().send(new CopyObjectCommand({ Bucket: bucket, Key: file.key, CopySource: copySource, MetadataDirective: 'COPY', ...sseParams(sse) })),
      (e) => mapS3Error(e, { operation: 'CopyObject', bucket, key: file.key }),
    );
    return copy
      .andThen(() => ResultAsync.fromPromise(client().send(new HeadObjectCommand({ Bucket: bucket, Key: file.key })), (e) => mapS3Error(e, { operation: 'HeadObject', bucket, key: file.key })))
      .andThen((head) =>
        head.ContentLength === file.bytes
          ? okAsync(undefined)
          : errAsync(floeError('upload', `Published ${file.key} has ${String(head.ContentLength)} bytes, the staged part had ${file.bytes}.`, 'Re-run the extract; the manifest was not written, so Snowflake ignores this run.', { object: `s3://${bucket}/${file.key}` })),
      );
  };

  const publish = (run: RunLocation, manifest: Manifest): ResultAsync<Manifest, FloeError> => {
    const dir = publishedRunDir(prefix, run);
    return objects
      .listKeys(`${dir}/`)
      .andThen((existing) =>
        existing.length === 0
          ? okAsync(undefined)
          : errAsync(floeError('upload', `Run ${run.runId} of ${run.table} is already published (${existing.length} objects under ${dir}/).`, 'A published run is never overwritten: re-run with a new run id (the default).', { object: `s3://${bucket}/${dir}/` })),
      )
      .andThen(() => manifest.files.reduce<ResultAsync<void, FloeError>>((acc, f) => acc.andThen(() => copyAndVerify(run, f)), okAsync(undefined)))
      .andThen(() => objects.putJson(joinKey(dir, MANIFEST_NAME), manifest))
      // Staged copies sit outside every pipe path: failing to remove them loses nothing, so the
      // published run stands and `discard` can clean up later.
      .andThen(() => objects.deleteAll(`${stagingRunDir(prefix, run)}/`).orElse(() => okAsync(0)))
      .map(() => manifest);
  };

  return {
    root: `s3://${bucket}${prefix ? `/${prefix}` : ''}`,
    putPart,
    publish,
    discard: (run) => objects.deleteAll(`${stagingRunDir(prefix, run)}/`).map(() => undefined),
    listManifests: (table, partitionDate) => {
      const under = `${joinKey(prefix, table, partitionDate !== undefined ? `dt=${partitionDate}` : '')}/`;
      return objects
        .listKeys(under)
        .andThen((keys) =>
          ResultAsync.combine(
            keys
              .filter((k) => k.key.endsWith(`/${MANIFEST_NAME}`))
              .map((k) => objects.getText(k.key).andThen((text) => parseManifest(text ?? '', `s3://${bucket}/${k.key}`))),
          ),
        )
        .map((list) => [...list].sort((a, b) => (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0)));
    },
  };
}
