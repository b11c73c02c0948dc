/// <reference path="./parquetjs-lite.d.ts" />
import { PassThrough } from 'node:stream';
import type { ColumnSchema, TableSchema } from '../contracts/schema.js';
import { floeError, type FloeError } from '../errors.js';
import { unsupportedValue } from './arrow-columns.js';
import type { NextRowGroup, ParquetCompression } from './arrow-parquet-part.js';
import type { ParquetColumnKind } from './parquet-column-kind.js';
import { parseBigInt, parseBool, parseDateDays, parseHex, parseSmallInt, parseTimestampMicros } from './pg-text.js';

type Convert = (text: string) => unknown;

const PARQUETJS_TYPES: Record<Exclude<ParquetColumnKind['kind'], 'decimal' | 'numeric_text' | 'time'>, string> = {
  int16: 'INT_16',
  int32: 'INT32',
  int64: 'INT64',
  float32: 'FLOAT',
  float64: 'DOUBLE',
  bool: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP_MICROS',
  timestamptz: 'TIMESTAMP_MICROS',
  binary: 'BYTE_ARRAY',
  text: 'UTF8',
};

/**
 * Columns parquetjs-lite cannot keep exact, refused before any row is read: it has no DECIMAL
 * type (numeric would become DOUBLE and money would drift), so every numeric column is refused;
 * and its TIME_MICROS conversion throws on every value (0.8.7 calls `isNaN` on a BigInt), while
 * TIME_MILLIS would drop microseconds, so `time` is refused too.
 */
export function parquetjsLiteRefusal(column: ColumnSchema, kind: ParquetColumnKind): FloeError | undefined {
  if (kind.kind === 'decimal' || kind.kind === 'numeric_text') {
    return floeError('unsupported_value', `Column "${column.name}" (${column.pgType}) cannot be written exactly by the parquetjs-lite engine, which has no DECIMAL type.`, "Use the Parquet engine 'arrow' (the default, exact DECIMAL), or the CSV format.", { object: column.name });
  }
  if (kind.kind === 'time') {
    return floeError('unsupported_value', `Column "${column.name}" (${column.pgType}) cannot be written exactly by the parquetjs-lite engine (its microsecond TIME type is broken, milliseconds would truncate).`, "Use the Parquet engine 'arrow' (the default), or the CSV format.", { object: column.name });
  }
  return undefined;
}

// parquetjs-lite passes INT64, DATE and TIMESTAMP through JS numbers or refuses negatives, so
// values it would round or reject are stopped here with the column named.
function converter(column: ColumnSchema, kind: ParquetColumnKind): Convert {
  const fail = (t: string, why: string): never => {
    throw unsupportedValue(column, t, why);
  };
  switch (kind.kind) {
    case 'int16':
      return (t) => parseSmallInt(t, -32768, 32767) ?? fail(t, 'is not a smallint');
    case 'int32':
      return (t) => parseSmallInt(t, -2147483648, 2147483647) ?? fail(t, 'is not an integer');
    case 'int64':
      return (t) => {
        const v = parseBigInt(t) ?? fail(t, 'is not a bigint');
        return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : fail(t, "is beyond ±2^53, which parquetjs-lite would round (use engine 'arrow')");
      };
    case 'float32':
    case 'float64':
      return (t) => {
        if (t === 'NaN') return fail(t, "is NaN, which parquetjs-lite refuses (use engine 'arrow')");
        const x = Number(t);
        return Number.isNaN(x) ? fail(t, 'is not a float') : x;
      };
    case 'bool':
      return (t) => parseBool(t) ?? fail(t, 'is not a boolean');
    case 'date':
      return (t) => {
        const d = parseDateDays(t) ?? fail(t, 'is not a finite date');
        return d >= 0 ? d : fail(t, "is before 1970, which parquetjs-lite cannot store (use engine 'arrow')");
      };
    case 'timestamp':
    case 'timestamptz':
      return (t) => {
        const us = parseTimestampMicros(t) ?? fail(t, 'is not a finite timestamp');
        return us >= 0n ? us : fail(t, "is before 1970, which parquetjs-lite cannot store (use engine 'arrow')");
      };
    case 'binary':
      return (t) => parseHex(t) ?? fail(t, 'is not valid hex bytea text');
    case 'text':
      return (t) => t;
    case 'decimal':
    case 'numeric_text':
    case 'time':
      return (t) => fail(t, 'cannot be stored exactly by parquetjs-lite');
  }
}

/** Writes one Parquet file with parquetjs-lite, row by row (slow, but dependency-light). */
export async function* writeParquetjsLitePart(schema: TableSchema, kinds: readonly ParquetColumnKind[], compression: ParquetCompression, rowGroupRows: number, next: NextRowGroup): AsyncGenerator<Uint8Array> {
  if (compression === 'zstd') throw floeError('config', 'The parquetjs-lite engine cannot write zstd.', "Use compression 'snappy' or 'none', or the 'arrow' engine.", { object: 'compression' });
  const { default: parquet } = await import('parquetjs-lite');
  const fields: Record<string, { type: string; optional: boolean; compression: string }> = {};
  schema.columns.forEach((c, i) => {
    const kind = kinds[i]!;
    const refusal = parquetjsLiteRefusal(c, kind);
    if (refusal !== undefined || kind.kind === 'decimal' || kind.kind === 'numeric_text' || kind.kind === 'time') throw refusal;
    fields[c.name] = { type: PARQUETJS_TYPES[kind.kind], optional: true, compression: compression === 'snappy' ? 'SNAPPY' : 'UNCOMPRESSED' };
  });
  const converters = schema.columns.map((c, i) => converter(c, kinds[i]!));
  const out = new PassThrough();
  const write = async () => {
    // Data page v1: read by every Parquet reader (v2 is parquetjs-lite's default).
    const writer = await parquet.ParquetWriter.openStream(new parquet.ParquetSchema(fields), out, { rowGroupSize: rowGroupRows, useDataPageV2: false });
    for (let group = await next(); group !== null; group = await next()) {
      for (let r = 0; r < group.rowCount; r++) {
        const row: Record<string, unknown> = {};
        for (let c = 0; c < converters.length; c++) {
          const v = group.columns[c]![r];
          if (v !== null && v !== undefined) row[schema.columns[c]!.name] = converters[c]!(v);
        }
        await writer.appendRow(row);
      }
    }
    await writer.close();
  };
  // parquetjs-lite throws strings; floe's own checks throw FloeError objects: carry both as Errors.
  write().catch((e: unknown) => out.destroy(e instanceof Error ? e : typeof e === 'string' ? new Error(`parquetjs-lite: ${e}`) : Object.assign(new Error('parquetjs-lite failed'), { floe: e })));
  try {
    for await (const chunk of out) yield chunk as Buffer;
  } catch (e) {
    throw (e as { floe?: unknown }).floe ?? e;
  }
}
