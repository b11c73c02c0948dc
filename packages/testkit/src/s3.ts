import { S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { freePort } from './free-port.js';

/** The part of an S3 event notification that Snowpipe (and the local endpoint) reads. */
export interface S3ObjectEvent {
  readonly eventName: string;
  readonly bucket: string;
  readonly key: string;
  readonly size?: number;
}

export interface LocalS3 {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** An S3Client configured the way floe configures one for an S3-compatible endpoint. */
  client(): S3Client;
  createBucket(name: string): Promise<void>;
  /** Subscribes to object events (PUT, POST, COPY, DELETE), shaped like AWS's notification records. */
  onEvent(listener: (event: S3ObjectEvent) => void): () => void;
  stop(): Promise<void>;
}

export interface StartS3Options {
  readonly port?: number;
  readonly buckets?: readonly string[];
  readonly directory?: string;
}

/** Starts s3rver on 127.0.0.1 with the given buckets. */
export async function startS3(options: StartS3Options = {}): Promise<LocalS3> {
  const port = options.port ?? (await freePort());
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 'floe-s3-')));
  const server = new S3rver({
    address: '127.0.0.1',
    port,
    silent: true,
    directory,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name, configs: [] })),
  });
  await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const region = 'us-east-1';
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const listeners = new Set<(event: S3ObjectEvent) => void>();
  (server as unknown as NodeJS.EventEmitter).on('event', (e: { Records?: Array<{ eventName: string; s3: { bucket: { name: string }; object: { key: string; size?: number } } }> }) => {
    for (const r of e.Records ?? []) {
      const event: S3ObjectEvent = { eventName: r.eventName, bucket: r.s3.bucket.name, key: decodeURIComponent(r.s3.object.key.replace(/\+/g, ' ')), size: r.s3.object.size };
      for (const l of listeners) l(event);
    }
  });
  const client = () =>
    new S3Client({
      endpoint,
      region,
      forcePathStyle: true,
      credentials,
      // s3rver stores aws-chunked framing inside the object when the SDK adds flexible checksums
      // to a streamed body; only send checksums when an operation requires them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  return {
    endpoint,
    region,
    credentials,
    client,
    async createBucket(name: string) {
      const { CreateBucketCommand } = await import('@aws-sdk/client-s3');
      const c = client();
      try {
        await c.send(new CreateBucketCommand({ Bucket: name }));
      } finally {
        c.destroy();
      }
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {
      await server.close();
      if (options.directory === undefined) await rm(directory, { recursive: true, force: true });
    },
  };
}
