import * as arrow from 'apache-arrow';

/** The validity bitmap of one Arrow column (bit r set: row r holds a value); also serves as a boolean column's values. */
export class Validity {
  readonly bits: Uint8Array;
  constructor(capacity: number) {
    this.bits = new Uint8Array((capacity + 7) >> 3);
  }
  valid(r: number): void {
    this.bits[r >> 3]! |= 1 << (r & 7);
  }
  invalid(r: number): void {
    this.bits[r >> 3]! &= ~(1 << (r & 7));
  }
  nullCount(rows: number): number {
    let valid = 0;
    for (let r = 0; r < rows; r++) valid += (this.bits[r >> 3]! >> (r & 7)) & 1;
    return rows - valid;
  }
}

/** A boolean Arrow column: values are bits too, so it is two bitmaps; decoders add only the parsing. */
export abstract class BoolColumnBuilder {
  readonly #validity: Validity;
  readonly #values: Validity;
  constructor(private readonly type: arrow.Bool, capacity: number) {
    this.#validity = new Validity(capacity);
    this.#values = new Validity(capacity);
  }
  protected put(r: number, value: boolean): void {
    if (value) this.#values.valid(r);
    else this.#values.invalid(r);
    this.#validity.valid(r);
  }
  setNull(r: number): void {
    this.#validity.invalid(r);
    this.#values.invalid(r);
  }
  finish(rows: number): arrow.Data {
    return arrow.makeData({ type: this.type, length: rows, nullCount: this.#validity.nullCount(rows), nullBitmap: this.#validity.bits, data: this.#values.bits });
  }
}
