import type { ColumnSchema } from '../contracts/schema.js';

/**
 * How a PostgreSQL column is stored in Parquet, decided from the catalog type alone.
 * `decimal`: numeric(p,s) with p ≤ 38 (DECIMAL128). `text`: UTF-8 text, used for everything whose
 * text form is already the exact value (text, uuid, interval, json, arrays, unconstrained or
 * wider-than-38 numeric, unknown types).
 */
export type ParquetColumnKind =
  | { readonly kind: 'int16' | 'int32' | 'int64' | 'float32' | 'float64' | 'bool' | 'date' | 'timestamp' | 'timestamptz' | 'time' | 'binary' | 'text' }
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'numeric_text' };

/** Maps a catalog column to its Parquet storage kind. */
export function parquetColumnKind(column: ColumnSchema): ParquetColumnKind {
  if (column.isArray) return { kind: 'text' };
  switch (column.baseType) {
    case 'int2':
      return { kind: 'int16' };
    case 'int4':
      return { kind: 'int32' };
    case 'int8':
      return { kind: 'int64' };
    case 'float4':
      return { kind: 'float32' };
    case 'float8':
      return { kind: 'float64' };
    case 'bool':
      return { kind: 'bool' };
    case 'date':
      return { kind: 'date' };
    case 'timestamp':
      return { kind: 'timestamp' };
    case 'timestamptz':
      return { kind: 'timestamptz' };
    case 'time':
      return { kind: 'time' };
    case 'bytea':
      return { kind: 'binary' };
    case 'numeric':
      return column.precision !== undefined && column.precision <= 38 ? { kind: 'decimal', precision: column.precision, scale: column.scale ?? 0 } : { kind: 'numeric_text' };
    default:
      return { kind: 'text' };
  }
}
