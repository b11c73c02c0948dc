const EMPTY = Buffer.alloc(0);

/**
 * The bytes a decoder has not consumed yet, refilled chunk by chunk from a byte stream. A record
 * cut by a chunk edge is joined with the next chunk in one scratch buffer that is reused (decoders
 * copy values out), so streaming a table allocates nothing per chunk.
 */
export class ChunkBuffer {
  readonly #source: AsyncIterator<Uint8Array>;
  /** The current bytes; `pos` is the first one not consumed. */
  buf: Buffer = EMPTY;
  pos = 0;
  #scratch: Buffer = EMPTY;
  #exhausted = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#source = source[Symbol.asyncIterator]();
  }

  get exhausted(): boolean {
    return this.#exhausted;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  /** Appends the next chunk to what is left; false at the end of the input. */
  async fill(): Promise<boolean> {
    if (this.#exhausted) return false;
    const next = await this.#source.next();
    if (next.done === true) {
      this.#exhausted = true;
      return false;
    }
    const v = next.value;
    const chunk = Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    const rest = this.buf.length - this.pos;
    if (rest > 0) {
      const need = rest + chunk.length;
      if (this.#scratch.length < need) {
        const grown = Buffer.allocUnsafe(Math.max(need, 2 * this.#scratch.length, 256 * 1024));
        this.buf.copy(grown, 0, this.pos);
        this.#scratch = grown;
      } else {
        // The rest may already sit in the scratch buffer: copy moves overlapping bytes safely.
        this.buf.copy(this.#scratch, 0, this.pos);
      }
      chunk.copy(this.#scratch, rest);
      this.buf = this.#scratch.subarray(0, need);
    } else this.buf = chunk;
    this.pos = 0;
    return true;
  }

  /** Replaces the unconsumed bytes (a decoder that must terminate a final record itself). */
  replace(bytes: Buffer): void {
    this.buf = bytes;
    this.pos = 0;
  }

  /** Stops the source early (the consumer gave up); safe to call twice. */
  async close(): Promise<void> {
    if (!this.#exhausted) await this.#source.return?.();
    this.#exhausted = true;
  }
}
