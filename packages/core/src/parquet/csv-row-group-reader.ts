import type * as arrow from 'apache-arrow';
import type { TableSchema } from '../contracts/schema.js';
import { floeError } from '../errors.js';
import { ChunkBuffer } from './chunk-buffer.js';
import { columnBuilder, type ColumnBuilder } from './csv-column-builders.js';
import type { ParquetColumnKind } from './parquet-column-kind.js';

/** One row group as Arrow column data, in schema order. */
export interface ArrowRowGroup {
  readonly rowCount: number;
  readonly children: readonly arrow.Data[];
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;

/**
 * Decodes PostgreSQL `COPY ... (FORMAT csv)` bytes (no header) straight into Arrow column
 * builders, one row group at a time: no row objects, no per-value strings for integers, decimals
 * up to 15 digits, dates, timestamps and text. An unquoted empty field is NULL, `""` the empty
 * string; a record cut by a chunk edge is parsed again, whole, with the next chunk.
 */
export class CsvRowGroupReader {
  readonly #in: ChunkBuffer;
  /** A final record without its `\n` was given one (PostgreSQL always ends with `\n`). */
  #terminated = false;
  /** Column builders of the last `take`, reused while they are large enough. */
  #builders: ColumnBuilder[] | undefined;
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

  /** Whether at least one more record remains (reads ahead one chunk). */
  async hasMore(): Promise<boolean> {
    while (this.#in.remaining <= 0) {
      if (!(await this.#in.fill())) return false;
    }
    return true;
  }

  /**
   * Up to `maxRows` records; zero only at the end of the input. The group's buffers are reused
   * by the next `take` (no garbage per batch, so memory stays flat): encode or copy the group
   * (Arrow IPC does) before taking the next one.
   */
  async take(maxRows: number): Promise<ArrowRowGroup> {
    if (this.#builders === undefined || this.#capacity < maxRows) {
      this.#builders = this.schema.columns.map((c, i) => columnBuilder(c, this.kinds[i]!, maxRows));
      this.#capacity = maxRows;
    }
    const builders = this.#builders;
    let rows = 0;
    while (rows < maxRows) {
      if (this.#record(builders, rows)) {
        rows++;
        continue;
      }
      if (await this.#in.fill()) continue;
      if (this.#in.remaining <= 0) break;
      if (this.#terminated) {
        throw floeError('serialize', `The CSV row stream of ${this.table} ended inside a record (an unclosed quote or missing columns).`, 'The extraction was cut off mid-row; re-run the extract (nothing was published).', { object: this.table });
      }
      this.#terminated = true;
      this.#in.replace(Buffer.concat([this.#in.buf.subarray(this.#in.pos), Buffer.from([LF])]));
    }
    return { rowCount: rows, children: builders.map((b) => b.finish(rows)) };
  }

  async close(): Promise<void> {
    await this.#in.close();
  }

  /** Parses one whole record into row `r`; false (nothing consumed) when it is not all here yet. */
  #record(builders: readonly ColumnBuilder[], r: number): boolean {
    const buf = this.#in.buf;
    const len = buf.length;
    const last = builders.length - 1;
    let p = this.#in.pos;
    for (let c = 0; c <= last; c++) {
      if (p >= len) return false;
      const b = builders[c]!;
      let next: number;
      if (buf[p] === QUOTE) {
        let q = p + 1;
        let escaped = false;
        for (;;) {
          const k = buf.indexOf(QUOTE, q);
          // A quote as the last byte may be the first of a `""` pair: wait for the next byte.
          if (k < 0 || k + 1 >= len) return false;
          if (buf[k + 1] === QUOTE) {
            escaped = true;
            q = k + 2;
            continue;
          }
          b.set(r, buf, p + 1, k, escaped);
          next = k + 1;
          break;
        }
      } else {
        let k = p;
        while (k < len) {
          const ch = buf[k]!;
          if (ch === COMMA || ch === LF) break;
          k++;
        }
        if (k >= len) return false;
        if (k === p) b.setNull(r);
        else b.set(r, buf, p, k, false);
        next = k;
      }
      const sep = buf[next];
      if (sep === undefined) return false;
      if (sep !== (c === last ? LF : COMMA)) {
        throw floeError('internal', `A CSV record of ${this.table} does not have the ${builders.length} columns of its schema (column "${this.schema.columns[c]!.name}" is followed by ${sep === LF ? 'the end of the record' : `byte 0x${sep.toString(16)}`}).`, 'Report this as a bug: the extractor and the schema disagree.', { object: this.table });
      }
      p = next + 1;
    }
    this.#in.pos = p;
    return true;
  }
}
