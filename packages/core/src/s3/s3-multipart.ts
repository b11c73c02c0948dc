import {
  AbortMultipartUploadCommand,
  ChecksumAlgorithm,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';

/** S3's own limit on the parts of one multipart upload. */
const MAX_PARTS = 10_000;

/** What {@link uploadStream} writes besides the bytes (the object's key and headers). */
export interface StreamedObject {
  readonly Bucket: string;
  readonly Key: string;
  readonly ContentType: string;
  readonly ContentEncoding?: string;
  readonly ServerSideEncryption?: 'AES256' | 'aws:kms';
  readonly SSEKMSKeyId?: string;
}

/** What was sent: its size and sha256. */
export interface StreamedResult {
  readonly bytes: number;
  readonly sha256: string;
}

/** An S3 call that failed, with the operation named for the error mapping. */
export class S3CallError extends Error {
  constructor(
    readonly operation: 'PutObject' | 'CreateMultipartUpload' | 'UploadPart' | 'CompleteMultipartUpload',
    override readonly cause: unknown,
  ) {
    super(`${operation} failed`);
  }
}

/** A failure of the body itself (the serializer), kept apart from S3's. */
export class BodyError extends Error {
  constructor(override readonly cause: unknown) {
    super('reading the body failed');
  }
}

/**
 * Streams a body into one S3 object: one PutObject when it fits in a part, a multipart upload
 * otherwise, `queueSize` parts in flight. The bytes are copied into `queueSize + 1` part buffers,
 * allocated once per object and reused as parts complete: not a fresh buffer per part (as a generic
 * chunker concatenates), because a dead part buffer is memory outside V8's heap that only a full
 * collection frees, and on a long run tens of MB of them waited for one. A failed part stops the
 * reading, lets the other parts settle and aborts the upload, so no invisible parts stay billed.
 */
export async function uploadStream(client: S3Client, object: StreamedObject, body: AsyncIterable<Uint8Array>, partSize: number, queueSize: number): Promise<StreamedResult> {
  const source = body[Symbol.asyncIterator]();
  try {
    return await upload(client, object, source, partSize, queueSize);
  } catch (e) {
    // S3 failed: stop the serializer too, so it frees its connection and its stats settle.
    if (!(e instanceof BodyError)) await Promise.resolve(source.return?.(undefined)).catch(() => undefined);
    throw e;
  }
}

async function upload(client: S3Client, object: StreamedObject, source: AsyncIterator<Uint8Array>, partSize: number, queueSize: number): Promise<StreamedResult> {
  const hash = createHash('sha256');
  let bytes = 0;
  // The piece of the last chunk that did not fit in the previous part.
  let rest: Uint8Array | undefined;
  let ended = false;
  const spare: Buffer[] = [];

  /** Fills one part buffer from the body; its length is short only at the end. */
  const fill = async (): Promise<Buffer> => {
    const part = spare.pop() ?? Buffer.allocUnsafeSlow(partSize);
    let filled = 0;
    while (filled < partSize) {
      if (rest === undefined) {
        if (ended) break;
        let next: IteratorResult<Uint8Array>;
        try {
          next = await source.next();
        } catch (e) {
          throw new BodyError(e);
        }
        if (next.done === true) {
          ended = true;
          break;
        }
        hash.update(next.value);
        bytes += next.value.byteLength;
        rest = next.value;
      }
      const n = Math.min(partSize - filled, rest.byteLength);
      part.set(rest.subarray(0, n), filled);
      filled += n;
      rest = n === rest.byteLength ? undefined : rest.subarray(n);
    }
    return part.subarray(0, filled);
  };
  const release = (part: Buffer) => {
    if (part.buffer.byteLength === partSize && spare.length < queueSize + 1) spare.push(Buffer.from(part.buffer, 0, partSize));
  };
  const send = async <T>(operation: S3CallError['operation'], call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (e) {
      throw new S3CallError(operation, e);
    }
  };

  const first = await fill();
  // Rest pending or the body not yet known to end: a multipart upload. A body that ends exactly on
  // a part's edge is found out by the next fill.
  const more = rest !== undefined || !ended ? await fill() : Buffer.alloc(0);
  if (more.length === 0) {
    await send('PutObject', () => client.send(new PutObjectCommand({ ...object, Body: first, ContentLength: first.length })));
    return { bytes, sha256: hash.digest('hex') };
  }

  // Where the client computes checksums for every request (AWS's default), the upload must be
  // created with the algorithm its parts will carry, and the completion must list each part's.
  const checksums = (await client.config.requestChecksumCalculation()) === 'WHEN_SUPPORTED';
  const created = await send('CreateMultipartUpload', () => client.send(new CreateMultipartUploadCommand({ ...object, ...(checksums ? { ChecksumAlgorithm: ChecksumAlgorithm.CRC32 } : {}) })));
  const uploadId = created.UploadId;
  if (uploadId === undefined) throw new S3CallError('CreateMultipartUpload', new Error('S3 returned no UploadId'));
  const done: CompletedPart[] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  const uploadPart = (partNumber: number, part: Buffer) => {
    const job = send('UploadPart', () => client.send(new UploadPartCommand({ Bucket: object.Bucket, Key: object.Key, UploadId: uploadId, PartNumber: partNumber, Body: part, ContentLength: part.length })))
      .then((r) => {
        // Without it the upload cannot be completed (a proxy or CORS rule that hides the header).
        if (r.ETag === undefined) throw new S3CallError('UploadPart', new Error(`S3 returned no ETag for part ${partNumber}`));
        done.push({ PartNumber: partNumber, ETag: r.ETag, ...(r.ChecksumCRC32 !== undefined ? { ChecksumCRC32: r.ChecksumCRC32 } : {}) });
      })
      .catch((e: unknown) => {
        failure ??= e;
      })
      .finally(() => {
        inFlight.delete(job);
        release(part);
      });
    inFlight.add(job);
  };
  try {
    uploadPart(1, first);
    let partNumber = 2;
    let part = more;
    while (part.length > 0 && failure === undefined) {
      if (partNumber > MAX_PARTS) throw new S3CallError('UploadPart', new Error(`more than ${MAX_PARTS} parts of ${partSize} bytes: raise partSizeBytes`));
      uploadPart(partNumber++, part);
      while (inFlight.size >= queueSize && failure === undefined) await Promise.race(inFlight);
      if (failure === undefined) part = await fill();
    }
    await Promise.all(inFlight);
    if (failure !== undefined) throw failure;
    done.sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
    await send('CompleteMultipartUpload', () => client.send(new CompleteMultipartUploadCommand({ Bucket: object.Bucket, Key: object.Key, UploadId: uploadId, MultipartUpload: { Parts: done } })));
  } catch (e) {
    await Promise.allSettled(inFlight);
    await client.send(new AbortMultipartUploadCommand({ Bucket: object.Bucket, Key: object.Key, UploadId: uploadId })).catch(() => undefined);
    throw e;
  }
  return { bytes, sha256: hash.digest('hex') };
}
