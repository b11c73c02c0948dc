import { AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException, UploadPartCommand } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { ok } from 'neverthrow';
import { afterEach, describe, expect, it } from 'vitest';
import { createS3Client, createS3Uploader, createS3WatermarkStore, type Manifest, type RunLocation, type SerializedPart } from '../src/index.js';

const run: RunLocation = { table: 'sales', partitionDate: '2026-11-25', runId: '20261126T101500123Z-3f9a1c2e' };
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

function sdkError(name: string, status: number, message = name): S3ServiceException {
  return new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status, attempts: 3 }, message });
}

function bigPart(bytes: Buffer): SerializedPart {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  async function* body() {
    for (let i = 0; i < bytes.length; i += 65536) yield bytes.subarray(i, i + 65536);
  }
  return { index: 0, extension: 'csv.gz', contentType: 'text/csv', contentEncoding: 'gzip', body: body(), stats: Promise.resolve(ok({ rows: 3, bytes: bytes.length, sha256 })) };
}

function freshClient(): S3Client {
  return createS3Client({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET } });
}

describe('S3 uploader with injected faults (aws-sdk-client-mock)', () => {
  const clients: S3Client[] = [];
  afterEach(() => {
    for (const c of clients.splice(0)) c.destroy();
  });
  const mocked = () => {
    const client = freshClient();
    clients.push(client);
    return { client, mock: mockClient(client) };
  };

  it('aborts the multipart upload (with its UploadId) when a part fails, and writes nothing published', async () => {
    const { client, mock } = mocked();
    mock.on(CreateMultipartUploadCommand).resolves({ UploadId: 'upload-7f3e' });
    mock.on(UploadPartCommand, { PartNumber: 1 }).resolves({ ETag: '"e1"' });
    mock.on(UploadPartCommand, { PartNumber: 2 }).rejects(sdkError('InternalError', 500, 'We encountered an internal error.'));
    mock.on(UploadPartCommand, { PartNumber: 3 }).resolves({ ETag: '"e3"' });
    mock.on(AbortMultipartUploadCommand).resolves({});
    const up = createS3Uploader({ client, bucket: 'b', prefix: 'p', queueSize: 1 });
    const res = await up.putPart(run, bigPart(randomBytes(11 * 1024 * 1024)));
    const e = res._unsafeUnwrapErr();
    expect(e.kind).toBe('upload');
    expect(e.object).toBe(`s3://b/p/_staging/sales/run=${run.runId}/part-00000.csv.gz`);
    const aborts = mock.commandCalls(AbortMultipartUploadCommand).map((c) => c.args[0].input);
    expect(aborts).toEqual([{ Bucket: 'b', Key: `p/_staging/sales/run=${run.runId}/part-00000.csv.gz`, UploadId: 'upload-7f3e' }]);
    expect(mock.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
    // Nothing was written where Snowpipe looks: no copy, no manifest, no published key at all.
    const written = [...mock.commandCalls(PutObjectCommand), ...mock.commandCalls(CopyObjectCommand)].map((c) => c.args[0].input.Key);
    expect(written).toEqual([]);
  });

  it('uploads parts with the requested server-side encryption, content type and encoding', async () => {
    const { client, mock } = mocked();
    mock.on(PutObjectCommand).resolves({ ETag: '"x"' });
    const up = createS3Uploader({ client, bucket: 'b', prefix: '', sse: { type: 'aws:kms', kmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/abc' } });
    const file = (await up.putPart(run, bigPart(Buffer.from('id\n1\n'))))._unsafeUnwrap();
    expect(file.key).toBe(`sales/dt=2026-11-25/run=${run.runId}/part-00000.csv.gz`);
    const input = mock.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect({ ...input, Body: undefined }).toEqual({ Bucket: 'b', Key: `_staging/sales/run=${run.runId}/part-00000.csv.gz`, ContentType: 'text/csv', ContentEncoding: 'gzip', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/abc', ContentLength: 5, Body: undefined });
  });

  it('maps NoSuchBucket to bucket_missing naming the bucket', async () => {
    const { client, mock } = mocked();
    mock.on(PutObjectCommand).rejects(sdkError('NoSuchBucket', 404, 'The specified bucket does not exist'));
    const res = await up(client).putPart(run, bigPart(Buffer.from('id\n1\n')));
    const e = res._unsafeUnwrapErr();
    expect([e.kind, e.object]).toEqual(['bucket_missing', 's3://acme-exports']);
    expect(e.hint).toContain("Create the bucket 'acme-exports'");
  });

  for (const [name, status] of [['InvalidAccessKeyId', 403], ['SignatureDoesNotMatch', 403], ['AccessDenied', 403], ['Forbidden', 403]] as const) {
    it(`maps ${name} to storage_auth without leaking the secret key`, async () => {
      const { client, mock } = mocked();
      mock.on(ListObjectsV2Command).rejects(sdkError(name, status, `Request refused; secretAccessKey=${SECRET} was used (${SECRET})`));
      const e = (await up(client).listManifests('sales'))._unsafeUnwrapErr();
      expect(e.kind).toBe('storage_auth');
      expect(`${e.message} ${e.hint}`).not.toContain(SECRET);
    });
  }

  it('maps SlowDown that outlived the retries to storage_throttled', async () => {
    const { client, mock } = mocked();
    mock.on(PutObjectCommand).rejects(sdkError('SlowDown', 503, 'Please reduce your request rate.'));
    const e = (await createS3WatermarkStore({ client, bucket: 'acme-exports', prefix: '' }).set('sales', { column: 'id', value: '10' }, run.runId))._unsafeUnwrapErr();
    expect(e.kind).toBe('storage_throttled');
    expect(e.message).toContain('after 3 attempts');
  });

  it('publish checks the copied size, and writes no manifest when it differs', async () => {
    const { client, mock } = mocked();
    mock.on(ListObjectsV2Command).resolves({ Contents: [] });
    mock.on(CopyObjectCommand).resolves({});
    mock.on(HeadObjectCommand).resolves({ ContentLength: 99 });
    const key = `p/sales/dt=2026-11-25/run=${run.runId}/part-00000.csv.gz`;
    const manifest = { version: 1, runId: run.runId, table: 'sales', files: [{ key, rows: 1, bytes: 100, sha256: 'x' }] } as unknown as Manifest;
    const e = (await createS3Uploader({ client, bucket: 'b', prefix: 'p', sse: { type: 'aws:kms', kmsKeyId: 'alias/floe' } }).publish(run, manifest))._unsafeUnwrapErr();
    expect(e.kind).toBe('upload');
    expect(e.message).toContain('99 bytes');
    expect(mock.commandCalls(PutObjectCommand)).toHaveLength(0);
    // The copy carries the requested encryption.
    expect(mock.commandCalls(CopyObjectCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: 'b', Key: key, CopySource: `b/p/_staging/sales/run=${run.runId}/part-00000.csv.gz`, MetadataDirective: 'COPY', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'alias/floe' },
    ]);
  });
});

function up(client: S3Client) {
  return createS3Uploader({ client, bucket: 'acme-exports', prefix: 'floe' });
}

/**
 * aws-sdk-client-mock replaces `send`, so the SDK's retry middleware never runs under it. The
 * throttle-then-success path is therefore tested one layer lower: a stub HTTP handler answers
 * 503 SlowDown twice, then 200, and the real client (as createS3Client configures it) retries.
 */
describe('createS3Client retries throttling', () => {
  interface Seen {
    method: string;
    path: string;
    body: string;
  }
  function handler(failures: number) {
    const seen: Seen[] = [];
    let stored: string | undefined;
    return {
      seen,
      stored: () => stored,
      handle: async (request: { method: string; path: string; body?: unknown }) => {
        const body = typeof request.body === 'string' ? request.body : request.body instanceof Uint8Array ? Buffer.from(request.body).toString() : '';
        seen.push({ method: request.method, path: request.path, body });
        const response = (statusCode: number, text: string, headers: Record<string, string> = {}) => ({ response: { statusCode, headers: { 'content-type': 'application/xml', ...headers }, body: Readable.from([Buffer.from(text)]) } });
        if (request.method === 'PUT' && seen.filter((s) => s.method === 'PUT').length <= failures) {
          return response(503, '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
        }
        if (request.method === 'PUT') {
          stored = body;
          return response(200, '', { etag: '"abc"' });
        }
        return stored === undefined ? response(404, '<Error><Code>NoSuchKey</Code><Message>none</Message></Error>') : response(200, stored, { 'content-type': 'application/json' });
      },
    };
  }

  it('retries SlowDown and then succeeds, storing the document once', async () => {
    const h = handler(2);
    const client = createS3Client({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET }, maxAttempts: 4, requestHandler: h });
    const store = createS3WatermarkStore({ client, bucket: 'acme', prefix: 'floe' });
    const wm = { column: 'updated_at', value: '2026-11-25 10:00:00.000001+00:00' };
    expect((await store.set('sales', wm, run.runId)).isOk()).toBe(true);
    expect(h.seen.filter((s) => s.method === 'PUT').map((s) => s.path)).toEqual(Array(3).fill('/floe/sales/_watermark.json'));
    expect((await store.get('sales'))._unsafeUnwrap()).toEqual(wm);
    client.destroy();
  });

  it('gives storage_throttled once maxAttempts is spent', async () => {
    const h = handler(100);
    const client = createS3Client({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET }, maxAttempts: 2, requestHandler: h });
    const e = (await createS3WatermarkStore({ client, bucket: 'acme', prefix: 'floe' }).set('sales', { column: 'id', value: '1' }, run.runId))._unsafeUnwrapErr();
    expect(e.kind).toBe('storage_throttled');
    expect(h.seen.filter((s) => s.method === 'PUT')).toHaveLength(2);
    expect(h.stored()).toBeUndefined();
    client.destroy();
  });
});
