import * as arrow from 'apache-arrow';
import type { ColumnSchema } from '../contracts/schema.js';
import { unsupportedValue } from './arrow-columns.js';
import { Validity } from './arrow-validity.js';

/**
 * A variable-width Arrow column (UTF-8 text or binary) filled byte for byte: one value buffer that
 * grows by doubling, and offsets. Row `r` may be written again (its bytes start at `offsets[r]`),
 * so a record decoded twice, as a reader does when a chunk edge cuts it, leaves no trace.
 */
export class VarBytesBuilder {
  protected readonly validity: Validity;
  protected readonly offsets: Int32Array;
  protected data: Buffer = Buffer.allocUnsafe(64 * 1024);
  constructor(protected readonly column: ColumnSchema, private readonly type: arrow.DataType, capacity: number) {
    this.validity = new Validity(capacity);
    this.offsets = new Int32Array(capacity + 1);
  }
  /** Copies `buf[start, end)` as row `r`. */
  setBytes(r: number, buf: Buffer, start: number, end: number): void {
    let pos = this.offsets[r]!;
    const len = end - start;
    if (pos + len > this.data.length) this.grow(pos + len);
    // A loop beats Buffer#copy's call overhead for the short values most columns hold.
    if (len < 24) {
      const data = this.data;
      for (let i = start; i < end; i++) data[pos++] = buf[i]!;
    } else pos += buf.copy(this.data, pos, start, end);
    this.offsets[r + 1] = pos;
    this.validity.valid(r);
  }
  setNull(r: number): void {
    this.offsets[r + 1] = this.offsets[r]!;
    this.validity.invalid(r);
  }
  /** Makes room for `need` bytes in all; one row group's values must stay under 2 GiB. */
  protected grow(need: number): void {
    if (need > 0x7fffffff) throw unsupportedValue(this.column, '…', 'makes one row group hold more than 2 GiB of bytes (lower rowGroupRows)');
    const next = Buffer.allocUnsafe(Math.min(0x7fffffff, Math.max(need, this.data.length * 2)));
    this.data.copy(next, 0, 0, this.data.length);
    this.data = next;
  }
  finish(rows: number): arrow.Data {
    const end = this.offsets[rows]!;
    return arrow.makeData({ type: this.type, length: rows, nullCount: this.validity.nullCount(rows), nullBitmap: this.validity.bits, valueOffsets: this.offsets.subarray(0, rows + 1), data: new Uint8Array(this.data.buffer, this.data.byteOffset, end) } as never);
  }
}
