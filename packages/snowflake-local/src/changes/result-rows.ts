/** Builders for the result sets the stream and task statements answer with (Snowflake wire form). */
import type { ResultColumn, StatementKind, StatementResult, WireType } from '../engine/extension.js';

/** A one-column `status` result, as Snowflake answers DDL. */
export function statusResult(kind: StatementKind, message: string): StatementResult {
  return { kind, columns: [{ name: 'status', type: 'text', length: 16777216, nullable: false }], rows: [[message]] };
}

/** A column of a SHOW/DESC/function result. */
export function column(name: string, type: WireType = 'text'): ResultColumn {
  if (type === 'timestamp_ltz' || type === 'timestamp_ntz' || type === 'timestamp_tz') return { name, type, precision: 0, scale: 9, nullable: true };
  if (type === 'fixed') return { name, type, precision: 38, scale: 0, nullable: true };
  return { name, type, length: 16777216, nullable: true };
}

/** A timestamp in the wire form the driver decodes: epoch seconds with nine fraction digits. */
export function wireTimestamp(date: Date | undefined): string | null {
  if (!date) return null;
  const ms = date.getTime();
  const seconds = Math.floor(ms / 1000);
  const millis = ms - seconds * 1000;
  return `${seconds}.${String(millis).padStart(3, '0')}000000`;
}

/** A timestamp as SQL text for a TIMESTAMP_LTZ literal (UTC, millisecond precision). */
export function sqlTimestamp(date: Date): string {
  return `CAST('${date.toISOString().replace('T', ' ').replace('Z', '')}+00:00' AS TIMESTAMP_LTZ)`;
}
