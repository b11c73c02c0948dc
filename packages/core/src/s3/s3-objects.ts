import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import type { FloeError } from '../errors.js';
import { isNotFound, mapS3Error } from './s3-errors.js';

/** An S3Client, or a function creating one on first use (so a Lambda cold start pays only when it uploads). */
export type S3ClientSource = S3Client | (() => S3Client);

/** Server-side encryption for every object floe writes. */
export type S3Encryption = { readonly type: 'AES256' } | { readonly type: 'aws:kms'; readonly kmsKeyId: string };

/** Resolves a client source lazily, once. */
export function lazyClient(source: S3ClientSource): () => S3Client {
  let client: S3Client | undefined;
  return () => (client ??= typeof source === 'function' ? source() : source);
}

/** The SSE request fields for PutObject / CopyObject / CreateMultipartUpload. */
export function sseParams(sse: S3Encryption | undefined): { ServerSideEncryption?: 'AES256' | 'aws:kms'; SSEKMSKeyId?: string } {
  if (sse === undefined) return {};
  return sse.type === 'AES256' ? { ServerSideEncryption: 'AES256' } : { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: sse.kmsKeyId };
}

/** The S3 calls floe makes, each returning a ResultAsync with the error mapped at the edge. */
export class S3Objects {
  constructor(
    readonly client: () => S3Client,
    readonly bucket: string,
    readonly sse?: S3Encryption,
  ) {}

  /** Every key under `prefix` (paginated), in S3's lexicographic order. */
  listKeys(prefix: string): ResultAsync<Array<{ key: string; size: number }>, FloeError> {
    const run = async () => {
      const out: Array<{ key: string; size: number }> = [];
      let token: string | undefined;
      do {
        const page = await this.client().send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
        for (const o of page.Contents ?? []) if (o.Key !== undefined) out.push({ key: o.Key, size: o.Size ?? 0 });
        token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
      return out;
    };
    return ResultAsync.fromPromise(run(), (e) => mapS3Error(e, { operation: 'ListObjectsV2', bucket: this.bucket, key: prefix }));
  }

  /** The object's text, or null when it does not exist. */
  getText(key: string): ResultAsync<string | null, FloeError> {
    const run = async () => {
      try {
        const res = await this.client().send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
        return res.Body ? await res.Body.transformToString('utf-8') : '';
      } catch (e) {
        if (isNotFound(e)) return null;
        throw e;
      }
    };
    return ResultAsync.fromPromise(run(), (e) => mapS3Error(e, { operation: 'GetObject', bucket: this.bucket, key }));
  }

  putJson(key: string, value: unknown): ResultAsync<void, FloeError> {
    const body = `${JSON.stringify(value, null, 2)}\n`;
    return ResultAsync.fromPromise(
      this.client().send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: 'application/json', ...sseParams(this.sse) })),
      (e) => mapS3Error(e, { operation: 'PutObject', bucket: this.bucket, key }),
    ).map(() => undefined);
  }

  delete(key: string): ResultAsync<void, FloeError> {
    return ResultAsync.fromPromise(this.client().send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })), (e) => mapS3Error(e, { operation: 'DeleteObject', bucket: this.bucket, key })).map(() => undefined);
  }

  /** Deletes every object under `prefix`, one by one (S3-compatible servers vary on DeleteObjects). */
  deleteAll(prefix: string): ResultAsync<number, FloeError> {
    return this.listKeys(prefix).andThen((objects) =>
      objects.reduce<ResultAsync<number, FloeError>>((acc, o) => acc.andThen((n) => this.delete(o.key).map(() => n + 1)), okAsync(0)),
    );
  }
}

/** `errAsync` typed for chains of ResultAsync<_, FloeError>. */
export function failWith<T>(e: FloeError): ResultAsync<T, FloeError> {
  return errAsync(e);
}
