import type { PartBounds } from '../contracts/serializer.js';
import { floeError } from '../errors.js';
import { asBuffer, CsvRecordScanner } from './csv-record-scanner.js';

/**
 * Cuts one stream of CSV records (no header) into parts at record boundaries. Each call to
 * {@link CsvPartSplitter.part} yields the uncompressed bytes of one part: the header, then whole
 * records until the next one would break `maxRows` or `maxBytes` (a part holds at least one record,
 * so a single record larger than `maxBytes` still goes through, alone). Bytes are passed on as
 * slices of the source chunks; only a record that straddles chunks is buffered.
 */
export class CsvPartSplitter {
  readonly #source: AsyncIterator<Uint8Array>;
  readonly #scanner = new CsvRecordScanner();
  #chunk: Buffer | undefined;
  #pos = 0;
  /** Start of a record whose end is in a later chunk. */
  #carry: Buffer[] = [];
  #carryLen = 0;
  /** A complete record that did not fit the previous part. */
  #ready: Buffer | undefined;
  #exhausted = false;

  constructor(source: AsyncIterable<Uint8Array>, private readonly bounds: PartBounds) {
    this.#source = source[Symbol.asyncIterator]();
  }

  /** Whether another part would hold at least one byte of record data. Reads ahead one chunk. */
  async hasMore(): Promise<boolean> {
    for (;;) {
      if (this.#ready !== undefined || this.#carryLen > 0) return true;
      if (this.#chunk !== undefined && this.#pos < this.#chunk.length) return true;
      if (this.#exhausted) return false;
      const next = await this.#source.next();
      if (next.done === true) {
        this.#exhausted = true;
        continue;
      }
      this.#chunk = asBuffer(next.value);
      this.#pos = 0;
    }
  }

  /** Stops the source early (the consumer gave up). */
  async close(): Promise<void> {
    if (!this.#exhausted) await this.#source.return?.();
    this.#exhausted = true;
  }

  /** Yields one part's bytes (header first); `counter.rows` holds the records yielded so far. */
  async *part(header: Buffer, counter: { rows: number }): AsyncGenerator<Buffer> {
    const { maxRows, maxBytes } = this.bounds;
    let bytes = header.length;
    let rows = 0;
    const full = () => rows >= maxRows || bytes >= maxBytes;
    yield header;
    if (this.#ready !== undefined) {
      const rec = this.#ready;
      this.#ready = undefined;
      rows = counter.rows = 1;
      bytes += rec.length;
      yield rec;
      if (full()) return;
    }
    for (;;) {
      if (this.#chunk === undefined || this.#pos >= this.#chunk.length) {
        this.#chunk = undefined;
        if (this.#exhausted) break;
        const next = await this.#source.next();
        if (next.done === true) {
          this.#exhausted = true;
          break;
        }
        this.#chunk = asBuffer(next.value);
        this.#pos = 0;
        continue;
      }
      const chunk = this.#chunk;
      const segStart = this.#pos;
      let recStart = segStart;
      for (;;) {
        const end = this.#scanner.nextBoundary(chunk, recStart);
        if (end < 0) {
          if (recStart > segStart) yield chunk.subarray(segStart, recStart);
          if (recStart < chunk.length) {
            this.#carry.push(chunk.subarray(recStart));
            this.#carryLen += chunk.length - recStart;
          }
          this.#chunk = undefined;
          break;
        }
        const recLen = this.#carryLen + (end - recStart);
        if (rows > 0 && bytes + recLen > maxBytes) {
          // This record opens the next part; everything before it closes this one.
          if (recStart > segStart) yield chunk.subarray(segStart, recStart);
          this.#ready = this.#takeCarry(chunk.subarray(recStart, end));
          this.#pos = end;
          return;
        }
        if (this.#carryLen > 0) {
          // Only the chunk's first record can have a carried start, so the carry precedes segStart.
          const carried = this.#carry;
          this.#carry = [];
          this.#carryLen = 0;
          for (const piece of carried) yield piece;
        }
        rows = counter.rows = rows + 1;
        bytes += recLen;
        recStart = end;
        if (full()) {
          yield chunk.subarray(segStart, end);
          this.#pos = end;
          return;
        }
      }
    }
    // End of input: a last record without its terminator still counts (PostgreSQL always ends
    // with `\n`; this keeps other producers' final row instead of dropping it).
    if (this.#carryLen > 0) {
      if (this.#scanner.inQuote) {
        throw floeError('serialize', 'The CSV row stream ended inside a quoted field, so its last row is truncated.', 'The extraction was cut off mid-row; re-run the extract (nothing was published).');
      }
      const tail = this.#takeCarry(Buffer.alloc(0));
      if (rows > 0 && bytes + tail.length > maxBytes) {
        this.#ready = tail;
        return;
      }
      rows = counter.rows = rows + 1;
      yield tail;
    }
  }

  #takeCarry(rest: Buffer): Buffer {
    if (this.#carryLen === 0) return rest;
    const out = Buffer.concat([...this.#carry, rest]);
    this.#carry = [];
    this.#carryLen = 0;
    return out;
  }
}
