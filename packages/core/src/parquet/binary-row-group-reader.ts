import type { TableSchema } from '../contracts/schema.js';
import { floeError } from '../errors.js';
import { ChunkBuffer } from './chunk-buffer.js';
import { binaryColumnBuilder, type BinaryColumnBuilder } from './binary-column-builders.js';
import type { ArrowRowGroup } from './csv-row-group-reader.js';
import type { ParquetColumnKind } from './parquet-column-kind.js';

/** `PGCOPY\n\377\r\n\0`: the first 11 bytes of every binary COPY stream. */
const SIGNATURE = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]);

/**
 * Decodes PostgreSQL `COPY ... (FORMAT binary)` bytes straight into Arrow column builders, one row
 * group at a time: each tuple is a field count and length-prefixed values in their types' binary
 * send forms, so there is nothing to scan for and no text to parse for numbers, dates or times.
 * A tuple cut by a chunk edge is decoded again, whole, once the next chunk arrives.
 */
export class BinaryRowGroupReader {
  readonly #in: ChunkBuffer;
  #headerRead = false;
  #trailerSeen = false;
  #builders: BinaryColumnBuilder[] | undefined;
  #capacity = 0;

  constructor(
    source: AsyncIterable<Uint8Array>,
    private readonly schema: TableSchema,
    private readonly kinds: readonly ParquetColumnKind[],
    private readonly table: string,
  ) {
    if (schema.columns.length === 0) throw floeError('internal', `${table} has no columns to write.`, 'Select at least one column.', { object: table });
    this.#in = new ChunkBuffer(source);
  }

  /** Whether at least one more tuple remains (reads ahead as needed). */
  async hasMore(): Promise<boolean> {
    for (;;) {
      if (this.#trailerSeen) {
        await this.#finishSource();
        return false;
      }
      if (this.#headerRead && this.#in.remaining >= 2) {
        if (this.#in.buf.readInt16BE(this.#in.pos) !== -1) return true;
        this.#in.pos += 2;
        this.#trailerSeen = true;
        continue;
      }
      if (!this.#headerRead && this.#header()) continue;
      if (!(await this.#in.fill())) return this.#unexpectedEnd();
    }
  }

  /**
   * Up to `maxRows` tuples; zero only at the end of the input. The group's buffers are reused by
   * the next `take`: encode or copy the group (Arrow IPC does) before taking the next one.
   */
  async take(maxRows: number): Promise<ArrowRowGroup> {
    if (this.#builders === undefined || this.#capacity < maxRows) {
      this.#builders = this.schema.columns.map((c, i) => binaryColumnBuilder(c, this.kinds[i]!, maxRows));
      this.#capacity = maxRows;
    }
    const builders = this.#builders;
    let rows = 0;
    while (rows < maxRows && !this.#trailerSeen) {
      if (this.#headerRead || this.#header()) {
        const got = this.#tuple(builders, rows);
        if (got === 'row') {
          rows++;
          continue;
        }
        if (got === 'end') break;
      }
      if (!(await this.#in.fill())) return this.#unexpectedEnd();
    }
    return { rowCount: rows, children: builders.map((b) => b.finish(rows)) };
  }

  async close(): Promise<void> {
    await this.#in.close();
  }

  /**
   * Reads the source to its end after the trailer, so the extraction sees the COPY complete (and
   * reports its row count); nothing may follow the trailer.
   */
  async #finishSource(): Promise<void> {
    while (!this.#in.exhausted) {
      const extra = this.#in.remaining;
      if (extra > 0) {
        throw floeError('serialize', `The binary row stream of ${this.table} has ${extra} bytes after its trailer.`, 'Report this as a floe bug; the run is discarded.', { object: this.table });
      }
      await this.#in.fill();
    }
  }

  #unexpectedEnd(): never {
    throw floeError('serialize', `The binary row stream of ${this.table} ended before its trailer (cut off mid-row).`, 'The extraction was interrupted; re-run the extract (nothing was published).', { object: this.table });
  }

  /** Reads the signature, flags and header extension; false when they are not all here yet. */
  #header(): boolean {
    const { buf, pos: p } = this.#in;
    if (buf.length - p < 19) return false;
    if (!buf.subarray(p, p + 11).equals(SIGNATURE)) {
      throw floeError('serialize', `The row stream of ${this.table} is not PostgreSQL binary COPY data.`, 'Report this as a floe bug: the extractor and the Parquet serializer disagree on the encoding.', { object: this.table });
    }
    const extension = buf.readUInt32BE(p + 15);
    if (buf.length - p < 19 + extension) return false;
    this.#in.pos = p + 19 + extension;
    this.#headerRead = true;
    return true;
  }

  /** Decodes one tuple into row `r`: 'row', 'end' at the trailer, or 'more' (nothing consumed). */
  #tuple(builders: readonly BinaryColumnBuilder[], r: number): 'row' | 'end' | 'more' {
    const buf = this.#in.buf;
    const len = buf.length;
    let p = this.#in.pos;
    if (len - p < 2) return 'more';
    const count = buf.readInt16BE(p);
    if (count === -1) {
      this.#in.pos = p + 2;
      this.#trailerSeen = true;
      return 'end';
    }
    if (count !== builders.length) {
      throw floeError('serialize', `A row of ${this.table} has ${count} fields, expected ${builders.length}.`, 'Report this as a floe bug with the table schema; the run is discarded.', { object: this.table });
    }
    p += 2;
    for (let c = 0; c < count; c++) {
      if (len - p < 4) return 'more';
      const size = (buf[p]! << 24) | (buf[p + 1]! << 16) | (buf[p + 2]! << 8) | buf[p + 3]!;
      p += 4;
      if (size < 0) {
        builders[c]!.setNull(r);
        continue;
      }
      if (len - p < size) return 'more';
      builders[c]!.set(r, buf, p, p + size);
      p += size;
    }
    this.#in.pos = p;
    return 'row';
  }
}
