/**
 * DuckDB values → Snowflake wire values (strings or null), computed from DuckDB's exact integer
 * representations (decimal unscaled values, epoch micro/nanoseconds, day numbers) so no value
 * ever passes through a JS float.
 */
import {
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBArrayValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimeValue,
  DuckDBTimestampValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTypeId,
  DuckDBIntervalValue,
  DuckDBUUIDValue,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { ResultColumn, WireType } from './extension.js';

/** `n / 10^scale` as exact decimal text (floor-free: keeps the sign on the whole value). */
export function scaledToDecimal(n: bigint, scale: number): string {
  if (scale === 0) return n.toString();
  const neg = n < 0n;
  const abs = (neg ? -n : n).toString().padStart(scale + 1, '0');
  return `${neg ? '-' : ''}${abs.slice(0, abs.length - scale)}.${abs.slice(abs.length - scale)}`;
}

/** The rowtype entry for a DuckDB column type. */
export function wireColumn(name: string, type: DuckDBType, timestampTz: boolean): ResultColumn {
  const base = { name, nullable: true };
  const t = (type: WireType, extra: Partial<ResultColumn> = {}): ResultColumn => ({ ...base, type, ...extra });
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return t('boolean');
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.BIGNUM:
      return t('fixed', { precision: 38, scale: 0 });
    case DuckDBTypeId.DECIMAL: {
      const d = type as unknown as { width: number; scale: number };
      return t('fixed', { precision: d.width, scale: d.scale });
    }
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return t('real');
    case DuckDBTypeId.DATE:
      return t('date');
    case DuckDBTypeId.TIME:
    case DuckDBTypeId.TIME_NS:
      return t('time', { precision: 0, scale: 9 });
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_NS:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_S:
      return t('timestamp_ntz', { precision: 0, scale: 9 });
    case DuckDBTypeId.TIMESTAMP_TZ:
      return t(timestampTz ? 'timestamp_tz' : 'timestamp_ltz', { precision: 0, scale: 9 });
    case DuckDBTypeId.BLOB:
      return t('binary', { length: 8388608 });
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return t('array');
    case DuckDBTypeId.STRUCT:
    case DuckDBTypeId.MAP:
      return t('object');
    case DuckDBTypeId.VARCHAR:
      if (type.alias === 'JSON') return t('variant');
      return t('text', { length: 16777216 });
    default:
      return t('text', { length: 16777216 });
  }
}

/** Offset in minutes east of UTC of `zone` at `epochMs` (IANA name, `UTC`, or `+HH:MM`). */
export function zoneOffsetMinutes(zone: string, epochMs: number): number {
  const fixed = zone.match(/^([+-])(\d{2}):?(\d{2})$/);
  if (fixed) return (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3]));
  if (/^(UTC|GMT|Z)$/i.test(zone)) return 0;
  const fmt = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const parts = Object.fromEntries(fmt.formatToParts(new Date(epochMs)).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / 60000);
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}

/** JSON text for nested values; decimals stay exact (written as JSON numbers from their text). */
function toJsonText(v: DuckDBValue): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : JSON.stringify(String(v));
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof DuckDBDecimalValue) return v.toString();
  if (v instanceof DuckDBListValue || v instanceof DuckDBArrayValue) return `[${v.items.map(toJsonText).join(',')}]`;
  if (v instanceof DuckDBStructValue) return `{${Object.entries(v.entries).map(([k, x]) => `${JSON.stringify(k)}:${toJsonText(x)}`).join(',')}}`;
  if (v instanceof DuckDBMapValue) return `{${v.entries.map((e) => `${JSON.stringify(String(e.key))}:${toJsonText(e.value)}`).join(',')}}`;
  if (v instanceof DuckDBBlobValue) return JSON.stringify(hex(v.bytes));
  return JSON.stringify(String(v));
}

/** One value in Snowflake's wire form. `timezone` is the session TIMEZONE (for TIMESTAMP_TZ offsets). */
export function wireValue(v: DuckDBValue, column: ResultColumn, timezone: string): string | null {
  if (v === null || v === undefined) return null;
  switch (column.type) {
    case 'boolean':
      return v === true ? '1' : '0';
    case 'fixed':
      if (v instanceof DuckDBDecimalValue) return scaledToDecimal(v.value, v.scale);
      return String(v);
    case 'real':
      if (typeof v === 'number') {
        if (Number.isNaN(v)) return 'NaN';
        if (v === Infinity) return 'inf';
        if (v === -Infinity) return '-inf';
        return String(v);
      }
      return String(v);
    case 'date':
      return v instanceof DuckDBDateValue ? String(v.days) : String(v);
    case 'time':
      if (v instanceof DuckDBTimeValue) return scaledToDecimal(v.micros * 1000n, 9);
      return scaledToDecimal((v as { nanos: bigint }).nanos, 9);
    case 'timestamp_ntz':
    case 'timestamp_ltz':
    case 'timestamp_tz': {
      let nanos: bigint;
      if (v instanceof DuckDBTimestampNanosecondsValue) nanos = v.nanos;
      else if (v instanceof DuckDBTimestampValue || v instanceof DuckDBTimestampTZValue) nanos = v.micros * 1000n;
      else if (v instanceof DuckDBTimestampMillisecondsValue) nanos = v.millis * 1_000_000n;
      else if (v instanceof DuckDBTimestampSecondsValue) nanos = v.seconds * 1_000_000_000n;
      else return String(v);
      const epoch = scaledToDecimal(nanos, 9);
      if (column.type !== 'timestamp_tz') return epoch;
      const offset = zoneOffsetMinutes(timezone, Number(nanos / 1_000_000n));
      return `${epoch} ${1440 + offset}`;
    }
    case 'binary':
      return v instanceof DuckDBBlobValue ? hex(v.bytes) : String(v);
    case 'variant':
    case 'object':
    case 'array':
      if (typeof v === 'string') return v;
      return toJsonText(v);
    default:
      if (v instanceof DuckDBIntervalValue || v instanceof DuckDBUUIDValue) return v.toString();
      if (typeof v === 'string') return v;
      if (typeof v === 'object') return toJsonText(v);
      return String(v);
  }
}
