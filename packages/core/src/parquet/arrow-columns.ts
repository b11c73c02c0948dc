import * as arrow from 'apache-arrow';
import type { ColumnSchema } from '../contracts/schema.js';
import { floeError } from '../errors.js';
import type { ParquetColumnKind } from './parquet-column-kind.js';
import { parseBigInt, parseBool, parseDateDays, parseDecimalUnscaled, parseHex, parseSmallInt, parseTimeMicros, parseTimestampMicros } from './pg-text.js';

type Values = ReadonlyArray<string | null>;

/** The Arrow type of each storage kind. */
export function arrowType(kind: ParquetColumnKind): arrow.DataType {
  switch (kind.kind) {
    case 'int16':
      return new arrow.Int16();
    case 'int32':
      return new arrow.Int32();
    case 'int64':
      return new arrow.Int64();
    case 'float32':
      return new arrow.Float32();
    case 'float64':
      return new arrow.Float64();
    case 'bool':
      return new arrow.Bool();
    case 'date':
      return new arrow.DateDay();
    case 'timestamp':
      return new arrow.TimestampMicrosecond();
    case 'timestamptz':
      return new arrow.TimestampMicrosecond('UTC');
    case 'time':
      return new arrow.TimeMicrosecond();
    case 'binary':
      return new arrow.Binary();
    case 'decimal':
      return new arrow.Decimal(kind.scale, kind.precision, 128);
    case 'numeric_text':
    case 'text':
      return new arrow.Utf8();
  }
}

/** The error for a value that cannot be stored exactly (names the column, never rounds). */
export function unsupportedValue(column: ColumnSchema, value: string, why: string) {
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return floeError('unsupported_value', `Column "${column.name}" (${column.pgType}) holds '${shown}', which ${why}.`, value === 'NaN' || /Infinity/.test(value) ? 'NUMBER cannot hold NaN or Infinity: clean the value in PostgreSQL, or select the column as text/float in the extract query.' : 'Fix the value in PostgreSQL or change the column type; floe never rounds or truncates.', { object: column.name });
}

function nullBitmap(values: Values): { bitmap: Uint8Array; nullCount: number } {
  const bitmap = new Uint8Array((values.length + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] === null) nullCount++;
    else bitmap[i >> 3]! |= 1 << (i & 7);
  }
  return { bitmap, nullCount };
}

function fixed<T extends Int16Array | Int32Array | Float32Array | Float64Array | BigInt64Array>(
  type: arrow.DataType,
  values: Values,
  data: T,
  parse: (text: string) => T[number] | undefined,
  column: ColumnSchema,
  why: string,
): arrow.Data {
  const { bitmap, nullCount } = nullBitmap(values);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    const parsed = parse(v);
    if (parsed === undefined) throw unsupportedValue(column, v, why);
    data[i] = parsed;
  }
  return arrow.makeData({ type, length: values.length, nullCount, nullBitmap: bitmap, data } as never);
}

function variableWidth(type: arrow.DataType, values: Values, toBytes: (text: string) => Buffer | string | undefined, column: ColumnSchema): arrow.Data {
  const { bitmap, nullCount } = nullBitmap(values);
  const encoded: Array<Buffer | string | undefined> = new Array(values.length);
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    const b = toBytes(v);
    if (b === undefined) throw unsupportedValue(column, v, 'is not valid hex bytea text');
    encoded[i] = b;
    total += typeof b === 'string' ? Buffer.byteLength(b, 'utf8') : b.length;
  }
  if (total > 0x7fffffff) throw floeError('serialize', `Column "${column.name}" has more than 2 GiB of data in one row group.`, 'Lower rowGroupRows for this table.', { object: column.name });
  const offsets = new Int32Array(values.length + 1);
  const data = Buffer.allocUnsafe(total);
  let pos = 0;
  for (let i = 0; i < values.length; i++) {
    const b = encoded[i];
    if (b !== undefined) pos += typeof b === 'string' ? data.write(b, pos, 'utf8') : b.copy(data, pos);
    offsets[i + 1] = pos;
  }
  return arrow.makeData({ type, length: values.length, nullCount, nullBitmap: bitmap, valueOffsets: offsets, data: new Uint8Array(data.buffer, data.byteOffset, total) } as never);
}

const TWO_128 = 1n << 128n;
const MASK32 = 0xffffffffn;

/** Builds one column of a row group as Arrow data, exactly (throws `unsupported_value` otherwise). */
export function buildArrowColumn(column: ColumnSchema, kind: ParquetColumnKind, values: Values): arrow.Data {
  const n = values.length;
  const type = arrowType(kind);
  switch (kind.kind) {
    case 'int16':
      return fixed(type, values, new Int16Array(n), (t) => parseSmallInt(t, -32768, 32767), column, 'is not a smallint');
    case 'int32':
      return fixed(type, values, new Int32Array(n), (t) => parseSmallInt(t, -2147483648, 2147483647), column, 'is not an integer');
    case 'int64':
      return fixed(type, values, new BigInt64Array(n), parseBigInt, column, 'is not a bigint');
    case 'float32':
    case 'float64': {
      // Float columns are floats in PostgreSQL too; NaN and ±Infinity are kept.
      const parse = (t: string) => {
        const x = Number(t);
        return Number.isNaN(x) && t !== 'NaN' ? undefined : x;
      };
      return kind.kind === 'float32' ? fixed(type, values, new Float32Array(n), parse, column, 'is not a real') : fixed(type, values, new Float64Array(n), parse, column, 'is not a double precision');
    }
    case 'date':
      return fixed(type, values, new Int32Array(n), parseDateDays, column, 'is not a finite date (infinity cannot be stored)');
    case 'timestamp':
    case 'timestamptz':
      return fixed(type, values, new BigInt64Array(n), parseTimestampMicros, column, 'is not a finite timestamp (infinity cannot be stored)');
    case 'time':
      return fixed(type, values, new BigInt64Array(n), parseTimeMicros, column, 'is not a time of day');
    case 'bool': {
      const { bitmap, nullCount } = nullBitmap(values);
      const data = new Uint8Array((n + 7) >> 3);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v === null || v === undefined) continue;
        const b = parseBool(v);
        if (b === undefined) throw unsupportedValue(column, v, 'is not a boolean');
        if (b) data[i >> 3]! |= 1 << (i & 7);
      }
      return arrow.makeData({ type: type as arrow.Bool, length: n, nullCount, nullBitmap: bitmap, data });
    }
    case 'decimal': {
      const { bitmap, nullCount } = nullBitmap(values);
      const words = new Uint32Array(n * 4);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v === null || v === undefined) continue;
        const unscaled = parseDecimalUnscaled(v, kind.precision, kind.scale);
        if (typeof unscaled === 'string') {
          throw unsupportedValue(column, v, unscaled === 'not_a_number' ? `cannot be stored in DECIMAL(${kind.precision},${kind.scale})` : unscaled === 'scale' ? `has more than ${kind.scale} fraction digits` : `overflows DECIMAL(${kind.precision},${kind.scale})`);
        }
        // 128-bit two's complement, least significant 32-bit word first.
        let u = unscaled < 0n ? TWO_128 + unscaled : unscaled;
        const o = i * 4;
        words[o] = Number(u & MASK32);
        u >>= 32n;
        words[o + 1] = Number(u & MASK32);
        u >>= 32n;
        words[o + 2] = Number(u & MASK32);
        u >>= 32n;
        words[o + 3] = Number(u & MASK32);
      }
      return arrow.makeData({ type: type as arrow.Decimal, length: n, nullCount, nullBitmap: bitmap, data: words });
    }
    case 'binary':
      return variableWidth(type, values, parseHex, column);
    case 'numeric_text':
      for (const v of values) {
        if (v !== null && (v === 'NaN' || v === 'Infinity' || v === '-Infinity')) throw unsupportedValue(column, v, 'cannot be stored in a Snowflake NUMBER');
      }
      return variableWidth(type, values, (t) => t, column);
    case 'text':
      return variableWidth(type, values, (t) => t, column);
  }
}
