import * as arrow from 'apache-arrow';
import type { ColumnSchema } from '../contracts/schema.js';
import { arrowType, buildArrowColumn, unsupportedValue } from './arrow-columns.js';
import { BoolColumnBuilder, Validity } from './arrow-validity.js';
import { VarBytesBuilder } from './arrow-var-bytes.js';
import type { ParquetColumnKind } from './parquet-column-kind.js';

const TWO_32 = 4294967296;
/** PostgreSQL's binary dates and timestamps count from 2000-01-01; Arrow's from 1970-01-01. */
const PG_EPOCH_DAYS = 10_957;
const PG_EPOCH_MICROS = PG_EPOCH_DAYS * 86_400_000_000;
const PG_EPOCH_MICROS_BIG = BigInt(PG_EPOCH_MICROS);
const NUMERIC_NEG = 0x4000;
const NUMERIC_NAN = 0xc000;
const NUMERIC_PINF = 0xd000;
const NUMERIC_NINF = 0xf000;

/** Powers of ten a DECIMAL(p ≤ 15, s) needs, looked up rather than computed per digit. */
const POW10 = Array.from({ length: 40 }, (_, i) => 10 ** i);

// Big-endian reads without Buffer's bounds checks: the reader has checked every value's length.
const i16 = (b: Buffer, p: number) => ((b[p]! << 24) | (b[p + 1]! << 16)) >> 16;
const i32 = (b: Buffer, p: number) => (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;

/**
 * Fills one Arrow column of a row group from the values of `COPY ... (FORMAT binary)`: each value
 * is its type's binary send form (`buf[start, end)`, big-endian), so integers, floats, dates,
 * timestamps and decimals need no text parsing at all, and text is copied byte for byte. Writes
 * are by row index and overwrite, as a record cut by a chunk edge is decoded again, whole.
 */
export interface BinaryColumnBuilder {
  set(r: number, buf: Buffer, start: number, end: number): void;
  setNull(r: number): void;
  finish(rows: number): arrow.Data;
}

type FixedReader = (buf: Buffer, start: number, end: number, r: number) => void;

/**
 * A fixed-width column: `write` decodes one value into the typed array (or throws a FloeError
 * naming the column), the validity bitmap tracks NULLs.
 */
class FixedBuilder implements BinaryColumnBuilder {
  readonly #v: Validity;
  constructor(private readonly type: arrow.DataType, capacity: number, private readonly data: ArrayBufferView & { subarray(a: number, b: number): ArrayBufferView }, private readonly perRow: number, private readonly write: FixedReader) {
    this.#v = new Validity(capacity);
  }
  set(r: number, buf: Buffer, start: number, end: number): void {
    this.write(buf, start, end, r);
    this.#v.valid(r);
  }
  setNull(r: number): void {
    this.#v.invalid(r);
  }
  finish(rows: number): arrow.Data {
    return arrow.makeData({ type: this.type, length: rows, nullCount: this.#v.nullCount(rows), nullBitmap: this.#v.bits, data: this.data.subarray(0, rows * this.perRow) } as never);
  }
}

/** A binary boolean is one byte, 0 or 1. */
class BoolBuilder extends BoolColumnBuilder implements BinaryColumnBuilder {
  constructor(private readonly column: ColumnSchema, type: arrow.Bool, capacity: number) {
    super(type, capacity);
  }
  set(r: number, buf: Buffer, start: number, end: number): void {
    expectLength(this.column, start, end, 1);
    this.put(r, buf[start] !== 0);
  }
}

/** UTF-8 text or bytea: the binary form is the bytes themselves. */
class BinaryVarBytesBuilder extends VarBytesBuilder implements BinaryColumnBuilder {
  set(r: number, buf: Buffer, start: number, end: number): void {
    this.setBytes(r, buf, start, end);
  }
}

/** Wide decimals and unconstrained numerics: exact text per value, built by the shared text path. */
class NumericTextBuilder implements BinaryColumnBuilder {
  readonly #values: Array<string | null>;
  constructor(private readonly column: ColumnSchema, private readonly kind: ParquetColumnKind, capacity: number) {
    this.#values = new Array<string | null>(capacity).fill(null);
  }
  set(r: number, buf: Buffer, start: number, end: number): void {
    this.#values[r] = numericText(this.column, buf, start, end);
  }
  setNull(r: number): void {
    this.#values[r] = null;
  }
  finish(rows: number): arrow.Data {
    return buildArrowColumn(this.column, this.kind, this.#values.length === rows ? this.#values : this.#values.slice(0, rows));
  }
}

function expectLength(column: ColumnSchema, start: number, end: number, bytes: number): void {
  if (end - start !== bytes) throw unsupportedValue(column, `${end - start} bytes`, `is not a binary ${column.pgType} value of ${bytes} bytes`);
}

/** The header of a binary numeric: digit count, weight (of the first base-10000 digit), sign, display scale. */
function numericHeader(column: ColumnSchema, buf: Buffer, start: number, end: number): { ndigits: number; weight: number; sign: number } {
  if (end - start < 8) throw unsupportedValue(column, `${end - start} bytes`, 'is not a binary numeric');
  const ndigits = buf.readInt16BE(start);
  const weight = buf.readInt16BE(start + 2);
  const sign = buf.readUInt16BE(start + 4);
  if (sign === NUMERIC_NAN || sign === NUMERIC_PINF || sign === NUMERIC_NINF) {
    throw unsupportedValue(column, sign === NUMERIC_NAN ? 'NaN' : sign === NUMERIC_PINF ? 'Infinity' : '-Infinity', 'cannot be stored in a Snowflake NUMBER');
  }
  if (ndigits < 0 || end - start !== 8 + 2 * ndigits) throw unsupportedValue(column, `${end - start} bytes`, 'is not a binary numeric');
  return { ndigits, weight, sign };
}

/** A binary numeric as exact decimal text (what numeric_out prints, trailing zeros of its scale aside). */
function numericText(column: ColumnSchema, buf: Buffer, start: number, end: number): string {
  const { ndigits, weight, sign } = numericHeader(column, buf, start, end);
  const dscale = buf.readInt16BE(start + 6);
  let int = '';
  let frac = '';
  for (let i = 0; i < ndigits; i++) {
    const group = String(buf.readInt16BE(start + 8 + 2 * i)).padStart(4, '0');
    if (i <= weight) int += group;
    else frac += group;
  }
  // Groups between the last digit and the units place are zeros; so are groups before the first fraction digit.
  if (weight >= ndigits) int += '0000'.repeat(weight - ndigits + 1);
  if (weight < -1) frac = '0000'.repeat(-weight - 1) + frac;
  int = int.replace(/^0+/, '') || '0';
  frac = frac.padEnd(dscale, '0').slice(0, Math.max(dscale, 0));
  const text = frac.length > 0 ? `${int}.${frac}` : int;
  return sign === NUMERIC_NEG && /[1-9]/.test(text) ? `-${text}` : text;
}

/**
 * The unscaled integer of DECIMAL(p,s), p ≤ 15, from a binary numeric, as a JS number: each
 * base-10000 digit is placed at its power of ten and added, so every partial sum is a whole number
 * below 10^15 < 2^53, hence exact (multiplying the digits out first would pass 2^53).
 */
function smallUnscaled(column: ColumnSchema, buf: Buffer, start: number, end: number, precision: number, scale: number): number {
  const ndigits = i16(buf, start);
  const sign = (buf[start + 4]! << 8) | buf[start + 5]!;
  if (ndigits < 0 || end - start !== 8 + 2 * ndigits || (sign !== 0 && sign !== NUMERIC_NEG)) numericHeader(column, buf, start, end);
  const weight = i16(buf, start + 2);
  const limit = POW10[precision]!;
  let v = 0;
  for (let i = 0; i < ndigits; i++) {
    const group = i16(buf, start + 8 + 2 * i);
    if (group === 0) continue;
    const exp = 4 * (weight - i) + scale;
    let term: number;
    if (exp >= 0) term = group * POW10[exp]!;
    else {
      term = group / POW10[-exp]!;
      if (!Number.isInteger(term)) throw unsupportedValue(column, numericText(column, buf, start, end), `has more than ${scale} fraction digits`);
    }
    v += term;
    if (v >= limit) throw unsupportedValue(column, numericText(column, buf, start, end), `overflows DECIMAL(${precision},${scale})`);
  }
  return sign === NUMERIC_NEG ? -v : v;
}

function bigUnscaled(column: ColumnSchema, buf: Buffer, start: number, end: number, precision: number, scale: number): bigint {
  const { ndigits, weight, sign } = numericHeader(column, buf, start, end);
  let v = 0n;
  for (let i = 0; i < ndigits; i++) v = v * 10000n + BigInt(buf.readInt16BE(start + 8 + 2 * i));
  const exp = 4 * (weight - ndigits + 1) + scale;
  if (exp >= 0) v *= 10n ** BigInt(exp);
  else {
    const d = 10n ** BigInt(-exp);
    if (v % d !== 0n) throw unsupportedValue(column, numericText(column, buf, start, end), `has more than ${scale} fraction digits`);
    v /= d;
  }
  if (v >= 10n ** BigInt(precision)) throw unsupportedValue(column, numericText(column, buf, start, end), `overflows DECIMAL(${precision},${scale})`);
  return sign === NUMERIC_NEG ? -v : v;
}

/** The builder for one column of a row group of at most `capacity` rows, fed binary COPY values. */
export function binaryColumnBuilder(column: ColumnSchema, kind: ParquetColumnKind, capacity: number): BinaryColumnBuilder {
  const type = arrowType(kind);
  switch (kind.kind) {
    case 'int16': {
      const data = new Int16Array(capacity);
      return new FixedBuilder(type, capacity, data, 1, (buf, s, e, r) => {
        if (e - s !== 2) expectLength(column, s, e, 2);
        data[r] = i16(buf, s);
      });
    }
    case 'int32': {
      const data = new Int32Array(capacity);
      return new FixedBuilder(type, capacity, data, 1, (buf, s, e, r) => {
        if (e - s !== 4) expectLength(column, s, e, 4);
        data[r] = i32(buf, s);
      });
    }
    case 'int64':
    case 'time': {
      // Two 32-bit words per value, least significant first (Arrow is little-endian): no BigInt.
      const words = new Int32Array(capacity * 2);
      return new FixedBuilder(type, capacity, new BigInt64Array(words.buffer), 1, (buf, s, e, r) => {
        if (e - s !== 8) expectLength(column, s, e, 8);
        words[2 * r] = i32(buf, s + 4);
        words[2 * r + 1] = i32(buf, s);
      });
    }
    case 'float32': {
      const data = new Float32Array(capacity);
      return new FixedBuilder(type, capacity, data, 1, (buf, s, e, r) => {
        expectLength(column, s, e, 4);
        data[r] = buf.readFloatBE(s);
      });
    }
    case 'float64': {
      const data = new Float64Array(capacity);
      return new FixedBuilder(type, capacity, data, 1, (buf, s, e, r) => {
        expectLength(column, s, e, 8);
        data[r] = buf.readDoubleBE(s);
      });
    }
    case 'date': {
      const data = new Int32Array(capacity);
      return new FixedBuilder(type, capacity, data, 1, (buf, s, e, r) => {
        if (e - s !== 4) expectLength(column, s, e, 4);
        const days = i32(buf, s);
        if (days === 0x7fffffff || days === -0x80000000) throw unsupportedValue(column, days > 0 ? 'infinity' : '-infinity', 'is not a finite date (infinity cannot be stored)');
        data[r] = days + PG_EPOCH_DAYS;
      });
    }
    case 'timestamp':
    case 'timestamptz': {
      const words = new Int32Array(capacity * 2);
      const big = new BigInt64Array(words.buffer);
      return new FixedBuilder(type, capacity, big, 1, (buf, s, e, r) => {
        if (e - s !== 8) expectLength(column, s, e, 8);
        const hi = i32(buf, s);
        const lo = i32(buf, s + 4) >>> 0;
        if ((hi === 0x7fffffff && lo === 0xffffffff) || (hi === -0x80000000 && lo === 0)) throw unsupportedValue(column, hi > 0 ? 'infinity' : '-infinity', 'is not a finite timestamp (infinity cannot be stored)');
        // Doubles hold microseconds exactly for about 285 years around 1970; beyond that, BigInt.
        const micros = hi * TWO_32 + lo + PG_EPOCH_MICROS;
        if (Number.isSafeInteger(micros)) {
          const high = Math.floor(micros / TWO_32);
          words[2 * r] = micros - high * TWO_32;
          words[2 * r + 1] = high;
        } else big[r] = buf.readBigInt64BE(s) + PG_EPOCH_MICROS_BIG;
      });
    }
    case 'bool':
      return new BoolBuilder(column, type as arrow.Bool, capacity);
    case 'decimal': {
      const { precision, scale } = kind;
      const words = new Int32Array(capacity * 4);
      if (precision <= 15) {
        return new FixedBuilder(type, capacity, new Uint32Array(words.buffer), 4, (buf, s, e, r) => {
          const v = smallUnscaled(column, buf, s, e, precision, scale);
          // 128-bit two's complement, least significant word first: the upper words are the sign.
          const o = r * 4;
          const hi = Math.floor(v / TWO_32);
          words[o] = v - hi * TWO_32;
          words[o + 1] = hi;
          words[o + 2] = words[o + 3] = v < 0 ? -1 : 0;
        });
      }
      const big = new BigInt64Array(words.buffer);
      return new FixedBuilder(type, capacity, new Uint32Array(words.buffer), 4, (buf, s, e, r) => {
        const v = bigUnscaled(column, buf, s, e, precision, scale);
        big[2 * r] = BigInt.asIntN(64, v);
        big[2 * r + 1] = BigInt.asIntN(64, v >> 64n);
      });
    }
    case 'numeric_text':
      return new NumericTextBuilder(column, kind, capacity);
    default:
      // text, bytea, and every type the extractor sends as text (its binary form is the UTF-8 bytes).
      return new BinaryVarBytesBuilder(column, type, capacity);
  }
}
