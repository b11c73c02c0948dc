import type { ColumnBatch } from '../contracts/extractor.js';
import { floeError } from '../errors.js';

/** Rows of one row group: `columns[c][r]`, PostgreSQL text or null. */
export interface RowGroupValues {
  readonly rowCount: number;
  readonly columns: ReadonlyArray<ReadonlyArray<string | null>>;
}

/**
 * Re-slices the extractor's column batches (whatever their size) into row groups of the size the
 * writer asks for, holding at most one source batch beyond the row group being built.
 */
export class RowGroupReader {
  readonly #source: AsyncIterator<ColumnBatch>;
  #batch: ColumnBatch | undefined;
  #offset = 0;
  #exhausted = false;

  constructor(
    batches: AsyncIterable<ColumnBatch>,
    private readonly columnCount: number,
    private readonly table: string,
  ) {
    this.#source = batches[Symbol.asyncIterator]();
  }

  /** Whether at least one more row is available (reads ahead one batch). */
  async hasMore(): Promise<boolean> {
    while (this.#batch === undefined || this.#offset >= this.#batch.rowCount) {
      if (this.#exhausted) return false;
      const next = await this.#source.next();
      if (next.done === true) {
        this.#exhausted = true;
        this.#batch = undefined;
        return false;
      }
      if (next.value.columns.length !== this.columnCount) {
        throw floeError('internal', `A row batch of ${this.table} has ${next.value.columns.length} columns, the schema ${this.columnCount}.`, 'Report this as a bug: the extractor and the schema disagree.', { object: this.table });
      }
      this.#batch = next.value;
      this.#offset = 0;
    }
    return true;
  }

  /** Up to `maxRows` rows; zero rows only at the end of the input. */
  async take(maxRows: number): Promise<RowGroupValues> {
    const columns: Array<Array<string | null>> = Array.from({ length: this.columnCount }, () => []);
    let rowCount = 0;
    while (rowCount < maxRows && (await this.hasMore())) {
      const batch = this.#batch!;
      const n = Math.min(maxRows - rowCount, batch.rowCount - this.#offset);
      for (let c = 0; c < this.columnCount; c++) {
        const src = batch.columns[c]!;
        const dst = columns[c]!;
        for (let r = this.#offset; r < this.#offset + n; r++) dst.push(src[r] ?? null);
      }
      this.#offset += n;
      rowCount += n;
    }
    return { rowCount, columns };
  }

  async close(): Promise<void> {
    if (!this.#exhausted) await this.#source.return?.();
    this.#exhausted = true;
  }
}
