import * as arrow from 'apache-arrow';
import type { ColumnSchema } from '../contracts/schema.js';
import { arrowType, buildArrowColumn, unsupportedValue } from './arrow-columns.js';
import { BoolColumnBuilder, Validity } from './arrow-validity.js';
import { VarBytesBuilder } from './arrow-var-bytes.js';
import type { ParquetColumnKind } from './parquet-column-kind.js';
import { daysFromCivil, parseDateDays, parseTimestampMicros } from './pg-text.js';

const QUOTE = 0x22;
const TWO_32 = 4294967296;

/**
 * Fills one Arrow column of a row group straight from CSV field bytes. Row `r` may be written
 * again (a record cut by a chunk edge is parsed again once its end arrives), so every write is
 * by row index and overwrites; that also lets one builder serve batch after batch without a reset
 * (each row below `rows` is written, by `set` or `setNull`, before `finish`). Only a few kinds
 * need a JS string per value (floats, int8, time, bytea, wide numerics): the rest are decoded
 * from the bytes.
 */
export interface ColumnBuilder {
  /** Field bytes `buf[start, end)`; `escaped`: a quoted field holding `""` pairs. */
  set(r: number, buf: Buffer, start: number, end: number, escaped: boolean): void;
  setNull(r: number): void;
  finish(rows: number): arrow.Data;
}

function fieldText(buf: Buffer, start: number, end: number, escaped: boolean): string {
  const text = buf.toString('utf8', start, end);
  return escaped ? text.replace(/""/g, '"') : text;
}

/**
 * The shared part of the fixed-width builders: a validity bitmap, NULLs, and one Arrow Data over
 * the first `rows` values of the subclass's typed array.
 */
abstract class FixedWidthBuilder implements ColumnBuilder {
  protected readonly v: Validity;
  constructor(protected readonly column: ColumnSchema, protected readonly type: arrow.DataType, capacity: number) {
    this.v = new Validity(capacity);
  }
  abstract set(r: number, buf: Buffer, start: number, end: number, escaped: boolean): void;
  /** The first `rows` values, in the layout Arrow expects for `type`. */
  protected abstract values(rows: number): ArrayBufferView;
  setNull(r: number): void {
    this.v.invalid(r);
  }
  finish(rows: number): arrow.Data {
    return arrow.makeData({ type: this.type, length: rows, nullCount: this.v.nullCount(rows), nullBitmap: this.v.bits, data: this.values(rows) } as never);
  }
}

/** int2 / int4 parsed from ASCII digits, range-checked. */
class IntBuilder extends FixedWidthBuilder {
  readonly #data: Int16Array | Int32Array;
  constructor(column: ColumnSchema, type: arrow.DataType, capacity: number, private readonly min: number, private readonly max: number) {
    super(column, type, capacity);
    this.#data = min === -32768 ? new Int16Array(capacity) : new Int32Array(capacity);
  }
  set(r: number, buf: Buffer, start: number, end: number, escaped: boolean): void {
    let i = start;
    let neg = false;
    if (buf[i] === 0x2d) {
      neg = true;
      i++;
    } else if (buf[i] === 0x2b) i++;
    let v = 0;
    const digits = end - i;
    for (; i < end; i++) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (neg) v = -v;
    if (i !== end || digits === 0 || digits > 11 || v < this.min || v > this.max) throw unsupportedValue(this.column, fieldText(buf, start, end, escaped), this.min === -32768 ? 'is not a smallint' : 'is not an integer');
    this.#data[r] = v;
    this.v.valid(r);
  }
  protected values(rows: number): ArrayBufferView {
    return this.#data.subarray(0, rows);
  }
}

/** Writes a 64-bit integer held exactly in a JS number (|x| ≤ 2^53) into two 32-bit words. */
function putInt64(words: Int32Array, r: number, x: number): void {
  const hi = Math.floor(x / TWO_32);
  words[2 * r] = x - hi * TWO_32;
  words[2 * r + 1] = hi;
}

/** DECIMAL(p,s) with p ≤ 15: the unscaled value fits a JS number exactly, no BigInt per value. */
class SmallDecimalBuilder extends FixedWidthBuilder {
  readonly #words: Int32Array;
  constructor(column: ColumnSchema, protected override readonly type: arrow.Decimal, capacity: number, private readonly precision: number, private readonly scale: number) {
    super(column, type, capacity);
    this.#words = new Int32Array(capacity * 4);
  }
  set(r: number, buf: Buffer, start: number, end: number, escaped: boolean): void {
    const { precision, scale } = this;
    let i = start;
    let neg = false;
    if (buf[i] === 0x2d) {
      neg = true;
      i++;
    } else if (buf[i] === 0x2b) i++;
    let v = 0;
    let intDigits = 0;
    let fracDigits = 0;
    let dot = false;
    let any = false;
    let problem: 'not_a_number' | 'scale' | 'precision' | undefined;
    for (; i < end; i++) {
      const ch = buf[i]!;
      if (ch === 0x2e && !dot) {
        dot = true;
        continue;
      }
      const d = ch - 48;
      if (d < 0 || d > 9) {
        problem = 'not_a_number';
        break;
      }
      any = true;
      if (!dot) {
        if (v === 0 && d === 0) continue;
        intDigits++;
        v = v * 10 + d;
      } else if (++fracDigits > scale) {
        if (d !== 0) problem ??= 'scale';
      } else v = v * 10 + d;
    }
    if (!any) problem = 'not_a_number';
    if (problem === undefined && intDigits > precision - scale) problem = 'precision';
    if (problem !== undefined) {
      const text = fieldText(buf, start, end, escaped);
      throw unsupportedValue(this.column, text, problem === 'not_a_number' ? `cannot be stored in DECIMAL(${precision},${scale})` : problem === 'scale' ? `has more than ${scale} fraction digits` : `overflows DECIMAL(${precision},${scale})`);
    }
    for (let k = fracDigits; k < scale; k++) v *= 10;
    if (neg) v = -v;
    // 128-bit two's complement, least significant word first: the upper words are the sign.
    const o = r * 4;
    const hi = Math.floor(v / TWO_32);
    this.#words[o] = v - hi * TWO_32;
    this.#words[o + 1] = hi;
    this.#words[o + 2] = this.#words[o + 3] = v < 0 ? -1 : 0;
    this.v.valid(r);
  }
  protected values(rows: number): ArrayBufferView {
    return new Uint32Array(this.#words.buffer, 0, rows * 4);
  }
}

const d2 = (buf: Buffer, i: number) => (buf[i]! - 48) * 10 + buf[i + 1]! - 48;
const d4 = (buf: Buffer, i: number) => d2(buf, i) * 100 + d2(buf, i + 2);
const isDigit = (c: number | undefined) => c !== undefined && c >= 48 && c <= 57;

function validDay(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const len = m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
  return d <= len;
}

/** Days since 1970 of `YYYY-MM-DD` at `i`, or undefined when the bytes are not exactly that. */
function fastDate(buf: Buffer, i: number): number | undefined {
  if (buf[i + 4] !== 0x2d || buf[i + 7] !== 0x2d) return undefined;
  if (!isDigit(buf[i]) || !isDigit(buf[i + 1]) || !isDigit(buf[i + 2]) || !isDigit(buf[i + 3]) || !isDigit(buf[i + 5]) || !isDigit(buf[i + 6]) || !isDigit(buf[i + 8]) || !isDigit(buf[i + 9])) return undefined;
  const y = d4(buf, i);
  const m = d2(buf, i + 5);
  const d = d2(buf, i + 8);
  return validDay(y, m, d) ? daysFromCivil(y, m, d) : undefined;
}

/**
 * timestamp / timestamptz in floe's forms (`YYYY-MM-DD HH:MM:SS.ffffff`, `+00:00` for tz) decoded
 * from the bytes; anything else (BC, years past 9999, other offsets) through the text parser.
 */
class TimestampBuilder extends FixedWidthBuilder {
  readonly #data: BigInt64Array;
  readonly #words: Int32Array;
  constructor(column: ColumnSchema, type: arrow.DataType, capacity: number, private readonly tz: boolean) {
    super(column, type, capacity);
    this.#data = new BigInt64Array(capacity);
    this.#words = new Int32Array(this.#data.buffer);
  }
  set(r: number, buf: Buffer, start: number, end: number, escaped: boolean): void {
    const len = end - start;
    if (len === (this.tz ? 32 : 26) && (!this.tz || (buf[start + 26] === 0x2b && buf[start + 27] === 0x30 && buf[start + 28] === 0x30 && buf[start + 29] === 0x3a && buf[start + 30] === 0x30 && buf[start + 31] === 0x30))) {
      const days = fastDate(buf, start);
      const i = start + 11;
      if (days !== undefined && buf[start + 10] === 0x20 && buf[i + 2] === 0x3a && buf[i + 5] === 0x3a && buf[i + 8] === 0x2e && isDigit(buf[i]) && isDigit(buf[i + 1]) && isDigit(buf[i + 3]) && isDigit(buf[i + 4]) && isDigit(buf[i + 6]) && isDigit(buf[i + 7])) {
        let frac = 0;
        let ok = true;
        for (let k = i + 9; k < i + 15; k++) {
          const d = buf[k]! - 48;
          if (d < 0 || d > 9) ok = false;
          frac = frac * 10 + d;
        }
        const h = d2(buf, i);
        const mi = d2(buf, i + 3);
        const s = d2(buf, i + 6);
        const micros = (days * 86400 + h * 3600 + mi * 60 + s) * 1e6 + frac;
        if (ok && h < 24 && mi < 60 && s < 61 && Number.isSafeInteger(micros)) {
          putInt64(this.#words, r, micros);
          this.v.valid(r);
          return;
        }
      }
    }
    const text = fieldText(buf, start, end, escaped);
    const micros = parseTimestampMicros(text);
    if (micros === undefined) throw unsupportedValue(this.column, text, 'is not a finite timestamp (infinity cannot be stored)');
    this.#data[r] = micros;
    this.v.valid(r);
  }
  protected values(rows: number): ArrayBufferView {
    return this.#data.subarray(0, rows);
  }
}

class DateBuilder extends FixedWidthBuilder {
  readonly #data: Int32Array;
  constructor(column: ColumnSchema, type: arrow.DataType, capacity: number) {
    super(column, type, capacity);
    this.#data = new Int32Array(capacity);
  }
  set(r: number, buf: Buffer, start: number, end: number, escaped: boolean): void {
    let days = end - start === 10 ? fastDate(buf, start) : undefined;
    if (days === undefined) {
      const text = fieldText(buf, start, end, escaped);
      days = parseDateDays(text);
      if (days === undefined) throw unsupportedValue(this.column, text, 'is not a finite date (infinity cannot be stored)');
    }
    this.#data[r] = days;
    this.v.valid(r);
  }
  protected values(rows: number): ArrayBufferView {
    return this.#data.subarray(0, rows);
  }
}

class BoolBuilder extends BoolColumnBuilder implements ColumnBuilder {
  constructor(private readonly column: ColumnSchema, type: arrow.Bool, capacity: number) {
    super(type, capacity);
  }
  set(r: number, buf: Buffer, start: number, end: number, escaped: boolean): void {
    const c = end - start === 1 ? buf[start] : undefined;
    if (c !== 0x74 && c !== 0x66) throw unsupportedValue(this.column, fieldText(buf, start, end, escaped), 'is not a boolean');
    this.put(r, c === 0x74);
  }
}

/** UTF-8 text copied byte for byte into the Arrow value buffer (PostgreSQL already sent UTF-8); `""` pairs become `"`. */
class Utf8Builder extends VarBytesBuilder implements ColumnBuilder {
  set(r: number, buf: Buffer, start: number, end: number, escaped: boolean): void {
    if (!escaped) return this.setBytes(r, buf, start, end);
    let pos = this.offsets[r]!;
    if (pos + end - start > this.data.length) this.grow(pos + end - start);
    const data = this.data;
    for (let i = start; i < end; i++) {
      const ch = buf[i]!;
      data[pos++] = ch;
      if (ch === QUOTE) i++;
    }
    this.offsets[r + 1] = pos;
    this.validity.valid(r);
  }
}

/** Everything else: the value's text, handed to the same exact parsers as the columnar path. */
class TextValuesBuilder implements ColumnBuilder {
  readonly #values: Array<string | null>;
  constructor(private readonly column: ColumnSchema, private readonly kind: ParquetColumnKind, capacity: number) {
    this.#values = new Array<string | null>(capacity).fill(null);
  }
  set(r: number, buf: Buffer, start: number, end: number, escaped: boolean): void {
    this.#values[r] = fieldText(buf, start, end, escaped);
  }
  setNull(r: number): void {
    this.#values[r] = null;
  }
  finish(rows: number): arrow.Data {
    return buildArrowColumn(this.column, this.kind, this.#values.length === rows ? this.#values : this.#values.slice(0, rows));
  }
}

/** The builder for one column of a row group of at most `capacity` rows. */
export function columnBuilder(column: ColumnSchema, kind: ParquetColumnKind, capacity: number): ColumnBuilder {
  const type = arrowType(kind);
  switch (kind.kind) {
    case 'int16':
      return new IntBuilder(column, type, capacity, -32768, 32767);
    case 'int32':
      return new IntBuilder(column, type, capacity, -2147483648, 2147483647);
    case 'decimal':
      return kind.precision <= 15 ? new SmallDecimalBuilder(column, type as arrow.Decimal, capacity, kind.precision, kind.scale) : new TextValuesBuilder(column, kind, capacity);
    case 'timestamp':
      return new TimestampBuilder(column, type, capacity, false);
    case 'timestamptz':
      return new TimestampBuilder(column, type, capacity, true);
    case 'date':
      return new DateBuilder(column, type, capacity);
    case 'bool':
      return new BoolBuilder(column, type as arrow.Bool, capacity);
    case 'text':
      return new Utf8Builder(column, type, capacity);
    default:
      return new TextValuesBuilder(column, kind, capacity);
  }
}
