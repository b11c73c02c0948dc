import { AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createS3Client } from '../src/index.js';
import { BodyError, S3CallError, uploadStream } from '../src/s3/s3-multipart.js';

const object = { Bucket: 'b', Key: 'k/part-00000.csv.gz', ContentType: 'text/csv', ContentEncoding: 'gzip' };

async function* pieces(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let p = 0; p < bytes.length; p += size) yield bytes.subarray(p, p + size);
}

/** A mocked S3 that keeps a copy of every part as it arrives (floe reuses the buffer afterwards). */
function s3(opts: { checksums: boolean; failPart?: number }) {
  const client = opts.checksums
    ? createS3Client({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' } })
    : createS3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:1', forcePathStyle: true, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' } });
  const mock = mockClient(client);
  const parts = new Map<number, Buffer>();
  const buffers = new Set<ArrayBufferLike>();
  mock.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u-1' });
  mock.on(UploadPartCommand).callsFake(async (input: { PartNumber: number; Body: Buffer; ContentLength: number }) => {
    buffers.add(input.Body.buffer);
    // Parts complete out of order: later parts sometimes first.
    await new Promise((r) => setTimeout(r, (input.PartNumber * 7) % 5));
    if (input.PartNumber === opts.failPart) throw Object.assign(new Error('We encountered an internal error.'), { name: 'InternalError' });
    expect(input.ContentLength).toBe(input.Body.length);
    parts.set(input.PartNumber, Buffer.from(input.Body));
    return { ETag: `"e${input.PartNumber}"`, ...(opts.checksums ? { ChecksumCRC32: `c${input.PartNumber}` } : {}) };
  });
  mock.on(CompleteMultipartUploadCommand).resolves({});
  mock.on(AbortMultipartUploadCommand).resolves({});
  mock.on(PutObjectCommand).resolves({ ETag: '"single"' });
  const stored = (): Buffer => Buffer.concat([...parts.entries()].sort(([a], [b]) => a - b).map(([, b]) => b));
  return { client, mock, parts, buffers, stored };
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('uploadStream', () => {
  const clients: S3Client[] = [];
  afterEach(() => {
    for (const c of clients.splice(0)) c.destroy();
  });

  it('stores the bytes exactly, in parts of partSize, through at most queueSize + 1 buffers', async () => {
    const data = randomBytes(25_000);
    for (const [pieceSize, partSize, queueSize] of [[700, 1000, 2], [1000, 1000, 4], [4096, 1500, 1], [25_000, 3000, 3]] as const) {
      const x = s3({ checksums: false });
      clients.push(x.client);
      const sent = await uploadStream(x.client, object, pieces(data, pieceSize), partSize, queueSize);
      expect(sent).toEqual({ bytes: data.length, sha256: sha(data) });
      expect(x.stored().equals(data)).toBe(true);
      const sizes = [...x.parts.entries()].sort(([a], [b]) => a - b).map(([, b]) => b.length);
      expect(sizes.slice(0, -1).every((s) => s === partSize)).toBe(true);
      expect(sizes).toHaveLength(Math.ceil(data.length / partSize));
      expect(x.buffers.size).toBeLessThanOrEqual(queueSize + 1);
      const complete = x.mock.commandCalls(CompleteMultipartUploadCommand)[0]!.args[0].input;
      expect(complete.MultipartUpload?.Parts).toEqual(sizes.map((_, i) => ({ PartNumber: i + 1, ETag: `"e${i + 1}"` })));
      // The upload was created without a checksum algorithm: this client sends none (an S3-compatible endpoint).
      expect(x.mock.commandCalls(CreateMultipartUploadCommand)[0]!.args[0].input).toEqual(object);
      expect(x.mock.commandCalls(PutObjectCommand)).toHaveLength(0);
    }
  });

  it('sends one PutObject when the body fits in a part, also when it ends exactly on the edge, or is empty', async () => {
    for (const size of [0, 1, 999, 1000]) {
      const x = s3({ checksums: false });
      clients.push(x.client);
      const data = randomBytes(size);
      const sent = await uploadStream(x.client, object, pieces(data, 300), 1000, 2);
      expect(sent.bytes).toBe(size);
      const puts = x.mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
      expect(puts).toHaveLength(1);
      expect(Buffer.from(puts[0]!.Body as Uint8Array).equals(data)).toBe(true);
      expect(puts[0]!.ContentLength).toBe(size);
      expect(x.mock.commandCalls(CreateMultipartUploadCommand)).toHaveLength(0);
    }
  });

  it('creates the upload with CRC32 and lists each part’s checksum where the client sends checksums (AWS)', async () => {
    const x = s3({ checksums: true });
    clients.push(x.client);
    const data = randomBytes(2500);
    await uploadStream(x.client, object, pieces(data, 512), 1000, 2);
    expect(x.mock.commandCalls(CreateMultipartUploadCommand)[0]!.args[0].input).toEqual({ ...object, ChecksumAlgorithm: 'CRC32' });
    expect(x.mock.commandCalls(CompleteMultipartUploadCommand)[0]!.args[0].input.MultipartUpload?.Parts).toEqual([1, 2, 3].map((n) => ({ PartNumber: n, ETag: `"e${n}"`, ChecksumCRC32: `c${n}` })));
    expect(x.stored().equals(data)).toBe(true);
  });

  it('aborts the upload when a part fails, stops reading the body, and names the operation', async () => {
    const x = s3({ checksums: false, failPart: 3 });
    clients.push(x.client);
    let produced = 0;
    let stopped = false;
    async function* body(): AsyncGenerator<Uint8Array> {
      try {
        for (let i = 0; i < 100; i++) {
          produced++;
          yield randomBytes(1000);
        }
      } finally {
        stopped = true;
      }
    }
    const e = await uploadStream(x.client, object, body(), 1000, 2).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(S3CallError);
    expect((e as S3CallError).operation).toBe('UploadPart');
    expect(((e as S3CallError).cause as Error).name).toBe('InternalError');
    expect(x.mock.commandCalls(AbortMultipartUploadCommand).map((c) => c.args[0].input)).toEqual([{ Bucket: 'b', Key: object.Key, UploadId: 'u-1' }]);
    expect(x.mock.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
    expect(stopped).toBe(true);
    expect(produced).toBeLessThan(10);
  });

  it('reports a failing body as the body’s error, after aborting the upload', async () => {
    const x = s3({ checksums: false });
    clients.push(x.client);
    async function* body(): AsyncGenerator<Uint8Array> {
      yield randomBytes(2500);
      throw new Error('COPY failed: connection reset');
    }
    const e = await uploadStream(x.client, object, body(), 1000, 2).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BodyError);
    expect(((e as BodyError).cause as Error).message).toBe('COPY failed: connection reset');
    expect(x.mock.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
    expect(x.mock.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
  });
});
