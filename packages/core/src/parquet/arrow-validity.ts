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
