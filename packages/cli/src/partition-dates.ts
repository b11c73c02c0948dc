import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ListObjectsCommand } from '@aws-sdk/client-s3';
import { ResultAsync } from 'neverthrow';
import { createS3Client, floeError, type FloeError } from '@floe/core';
import type { FloeConfig } from './context.js';

const DT = /dt=(\d{4}-\d{2}-\d{2})(?:\/|$)/;

/**
 * The `dt=` partitions of a table, newest first, without reading any object: from the S3 key
 * listing (names only, a thousand keys per request), or a local folder's directory names.
 * `floe status` then reads the manifests of the newest few days only. ListObjects (v1, `Marker`)
 * rather than v2 and no `Delimiter`: s3rver 3.7.1, the S3 of the tests and the demo, fails every
 * v2 page after the first (InternalError) and finds no nested common prefixes; AWS serves both.
 */
export function partitionDates(config: FloeConfig, table: string): ResultAsync<string[], FloeError> {
  const storage = config.storage;
  if (storage.kind === 'local') {
    const dir = join(storage.dir, table);
    return ResultAsync.fromPromise(
      readdir(dir).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? [] : Promise.reject(e))),
      (e) => floeError('storage_unreachable', `cannot list ${dir}: ${(e as Error).message}`, 'Check storage.dir and its permissions.', { object: dir, cause: e }),
    ).map((names) => names.flatMap((n) => DT.exec(n)?.[1] ?? []).sort().reverse());
  }
  const client = createS3Client({ region: storage.region, ...(storage.endpoint ? { endpoint: storage.endpoint } : {}), ...(storage.forcePathStyle !== undefined ? { forcePathStyle: storage.forcePathStyle } : {}) });
  const prefix = `${storage.prefix}/${table}/`;
  const list = async (): Promise<string[]> => {
    const dates = new Set<string>();
    let marker: string | undefined;
    do {
      const page = await client.send(new ListObjectsCommand({ Bucket: storage.bucket, Prefix: `${prefix}dt=`, ...(marker ? { Marker: marker } : {}) }));
      const keys = (page.Contents ?? []).map((o) => o.Key ?? '');
      for (const k of keys) {
        const d = DT.exec(k)?.[1];
        if (d) dates.add(d);
      }
      marker = page.IsTruncated ? keys.at(-1) : undefined;
    } while (marker);
    return [...dates].sort().reverse();
  };
  return ResultAsync.fromPromise(list(), (e) => {
    const name = (e as { name?: string }).name ?? '';
    if (name === 'NoSuchBucket') return floeError('bucket_missing', `bucket ${storage.bucket} does not exist`, 'Create it, or fix storage.bucket.', { object: storage.bucket, cause: e });
    if (['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken'].includes(name)) {
      return floeError('storage_auth', `S3 refused to list s3://${storage.bucket}/${prefix} (${name})`, 'Check the AWS credentials and that they allow s3:ListBucket on the prefix.', { object: `s3://${storage.bucket}/${prefix}`, cause: e });
    }
    return floeError('storage_unreachable', `listing s3://${storage.bucket}/${prefix} failed: ${(e as Error).message}`, 'Check storage.endpoint/region and the credentials (s3:ListBucket on the prefix).', { object: `s3://${storage.bucket}/${prefix}`, cause: e });
  }).andTee(() => client.destroy()).orTee(() => client.destroy());
}
