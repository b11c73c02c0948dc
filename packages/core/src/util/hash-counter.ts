import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** Byte count and sha256 (hex) of everything that went through a {@link HashCounter}. */
export interface HashCount {
  readonly bytes: number;
  readonly sha256: string;
}

/**
 * A pass-through stream that hashes and counts the bytes flowing through it, so the digest of a
 * file is known the moment its last byte is written, without reading it back.
 */
export class HashCounter extends Transform {
  readonly #hash: Hash = createHash('sha256');
  #bytes = 0;
  #digest: string | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#hash.update(chunk);
    this.#bytes += chunk.byteLength;
    callback(null, chunk);
  }

  /** Valid once the stream has finished (its `finish` / `end` event). */
  result(): HashCount {
    this.#digest ??= this.#hash.digest('hex');
    return { bytes: this.#bytes, sha256: this.#digest };
  }
}

/** sha256 (hex) of one buffer. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
