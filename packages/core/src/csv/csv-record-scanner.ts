const QUOTE = 0x22;
const LF = 0x0a;

/**
 * Finds record ends in RFC 4180 bytes without parsing fields: every `"` toggles the quoted state
 * (a doubled `""` inside a quoted field toggles twice), and a `\n` outside quotes ends a record.
 * The state survives chunk edges, so a quoted field holding `\n`, `\r` or `""` may be split
 * anywhere. Native `indexOf` does the scanning; nothing is allocated per row.
 */
export class CsvRecordScanner {
  #inQuote = false;
  #chunk: Buffer | undefined;
  /** Position of the next `"` in #chunk at or after the last search start (Infinity: none). */
  #nextQuote = -1;

  /** True while the scan stands inside a quoted field (an input ending here is truncated). */
  get inQuote(): boolean {
    return this.#inQuote;
  }

  /**
   * Returns the offset just past the next record terminator at or after `from`, or -1 when the
   * chunk ends inside a record (the caller continues with the next chunk from offset 0).
   */
  nextBoundary(chunk: Buffer, from: number): number {
    if (chunk !== this.#chunk) {
      this.#chunk = chunk;
      this.#nextQuote = -1;
    }
    let p = from;
    const len = chunk.length;
    while (p < len) {
      const q = this.#quoteAtOrAfter(chunk, p);
      if (this.#inQuote) {
        if (q === Infinity) return -1;
        this.#inQuote = false;
        p = q + 1;
        continue;
      }
      const nl = chunk.indexOf(LF, p);
      if (nl >= 0 && nl < q) return nl + 1;
      if (q === Infinity) return -1;
      this.#inQuote = true;
      p = q + 1;
    }
    return -1;
  }

  // Cached so that a chunk without quotes is searched for `"` once, not once per record.
  #quoteAtOrAfter(chunk: Buffer, p: number): number {
    if (this.#nextQuote === Infinity || this.#nextQuote >= p) return this.#nextQuote;
    const q = chunk.indexOf(QUOTE, p);
    this.#nextQuote = q < 0 ? Infinity : q;
    return this.#nextQuote;
  }
}

/** A Buffer view over the same memory (no copy), so `indexOf` runs natively. */
export function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** One CSV field as PostgreSQL's COPY CSV writes it: quoted only when needed. */
export function csvField(value: string): string {
  if (value === '' || /[",\r\n]/.test(value) || value === '\\.') return `"${value.replace(/"/g, '""')}"`;
  return value;
}
