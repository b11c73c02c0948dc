import type * as arrow from 'apache-arrow';
import type { TableSchema } from '../contracts/schema.js';
import { floeError } from '../errors.js';
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
const EMPTY = Buffer.alloc(0);

/**
 * Decodes PostgreSQL `COPY ... (FORMAT csv)` bytes (no header) straight into Arrow column
 * builders, one row group at a time: no row objects, no per-value strings for integers, decimals
 * up to 15 digits, dates, timestamps and text. An unquoted empty field is NULL, `""` the empty
 * string; a record cut by a chunk edge is parsed again, whole, with the next chunk.
 */
export class CsvRowGroupReader {
  readonly #source: AsyncIterator<Uint8Array>;
  #buf: Buffer = EMPTY;
  #pos = 0;
  /**
   * Where a record cut by a chunk edge is joined with the next chunk. Reused (builders copy
   * bytes out), so streaming a table allocates no buffer per chunk.
   */
  #scratch: Buffer = EMPTY;
  #exhausted = false;
  /** A final record without its `\n` was given one (PostgreSQL always ends with `\n`). */
  #terminated = false;

  constructor(
    source: AsyncIterable<Uint8Array>,
    private readonly schema: TableSchema,
    private readonly kinds: readonly ParquetColumnKind[],
    private readonly table: string,
  ) {
    if (schema.columns.length === 0) throw floeError('internal', `${table} has no columns to write.`, 'Select at least one column.', { object: table });
    this.#source = source[Symbol.asyncIterator]();
  }

  /** Whether at least one more record remains (reads ahead one chunk). */
  async hasMore(): Promise<boolean> {
    while (this.#pos >= this.#buf.length) {
      if (!(await this.#fill())) return false;
    }
    return true;
  }

  /** Up to `maxRows` records; zero only at the end of the input. */
  async take(maxRows: number): Promise<ArrowRowGroup> {
    const builders = this.schema.columns.map((c, i) => columnBuilder(c, this.kinds[i]!, maxRows));
    let rows = 0;
    while (rows < maxRows) {
      if (this.#record(builders, rows)) {
        rows++;
        continue;
      }
      if (await this.#fill()) continue;
      if (this.#pos >= this.#buf.length) break;
      if (this.#terminated) {
        throw floeError('serialize', `The CSV row stream of ${this.table} ended inside a record (an unclosed quote or missing columns).`, 'The extraction was cut off mid-row; re-run the extract (nothing was published).', { object: this.table });
      }
      this.#terminated = true;
      this.#buf = Buffer.concat([this.#buf.subarray(this.#pos), Buffer.from([LF])]);
      this.#pos = 0;
    }
    return { rowCount: rows, children: builders.map((b) => b.finish(rows)) };
  }

  async close(): Promise<void> {
    if (!this.#exhausted) await this.#source.return?.();
    this.#exhausted = true;
  }

  /** Appends the next chunk to what is left; false at the end of the input. */
  async #fill(): Promise<boolean> {
    if (this.#exhausted) return false;
    const next = await this.#source.next();
    if (next.done === true) {
      this.#exhausted = true;
      return false;
    }
    const v = next.value;
    const chunk = Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    const rest = this.#buf.length - this.#pos;
    if (rest > 0) {
      const need = rest + chunk.length;
      if (this.#scratch.length < need) {
        const grown = Buffer.allocUnsafe(Math.max(need, 2 * this.#scratch.length, 256 * 1024));
        this.#buf.copy(grown, 0, this.#pos);
        this.#scratch = grown;
      } else {
        // The rest may already sit in the scratch buffer: copy moves overlapping bytes safely.
        this.#buf.copy(this.#scratch, 0, this.#pos);
      }
      chunk.copy(this.#scratch, rest);
      this.#buf = this.#scratch.subarray(0, need);
    } else this.#buf = chunk;
    this.#pos = 0;
    return true;
  }

  /** Parses one whole record into row `r`; false (nothing consumed) when it is not all here yet. */
  #record(builders: readonly ColumnBuilder[], r: number): boolean {
    const buf = this.#buf;
    const len = buf.length;
    const last = builders.length - 1;
    let p = this.#pos;
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
    this.#pos = p;
    return true;
  }
}
