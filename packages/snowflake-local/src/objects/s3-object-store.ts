/**
 * Reads staged objects from the S3-compatible endpoint behind an external stage (s3rver in tests,
 * any S3 API in demos). Only listing and whole-object reads: stages never write.
 */
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { SnowflakeSqlError } from './snowflake-error.js';

export interface S3EndpointOptions {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  readonly forcePathStyle?: boolean;
}

export interface StagedObject {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  /** The ETag without quotes (Snowflake's LIST shows it as `md5`). */
  readonly etag: string;
  readonly lastModified: Date;
}

export interface ObjectStore {
  /** Every object whose key starts with `prefix`, in key order. */
  list(bucket: string, prefix: string): Promise<StagedObject[]>;
  get(bucket: string, key: string): Promise<Uint8Array>;
  close(): void;
}

/** An ObjectStore over an S3 client (checksums only when required: s3rver stores them otherwise). */
export function createS3ObjectStore(opts: S3EndpointOptions): ObjectStore {
  const client = new S3Client({
    endpoint: opts.endpoint,
    region: opts.region,
    credentials: opts.credentials,
    forcePathStyle: opts.forcePathStyle ?? true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const storageError = (what: string, e: unknown): SnowflakeSqlError => {
    const detail = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    // Snowflake's generic "cannot access the external location" error, with the S3 detail kept.
    return new SnowflakeSqlError(`Failed to access remote file: ${what}. ${detail}`, '091003', '22000');
  };
  return {
    async list(bucket, prefix) {
      const out: StagedObject[] = [];
      let token: string | undefined;
      try {
        do {
          const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
          for (const o of page.Contents ?? []) {
            if (o.Key === undefined) continue;
            out.push({
              bucket,
              key: o.Key,
              size: o.Size ?? 0,
              etag: (o.ETag ?? '').replace(/"/g, ''),
              lastModified: o.LastModified ?? new Date(0),
            });
          }
          token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
        } while (token !== undefined);
      } catch (e) {
        throw storageError(`list s3://${bucket}/${prefix}`, e);
      }
      return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },
    async get(bucket, key) {
      try {
        const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (r.Body === undefined) return new Uint8Array();
        return await r.Body.transformToByteArray();
      } catch (e) {
        throw storageError(`read s3://${bucket}/${key}`, e);
      }
    },
    close() {
      client.destroy();
    },
  };
}
