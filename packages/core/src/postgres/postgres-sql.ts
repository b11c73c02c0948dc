import type { ColumnSchema } from '../contracts/schema.js';

/** A PostgreSQL identifier, always double-quoted (names are used exactly as the catalog stores them). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * A PostgreSQL string literal. COPY cannot take bind parameters, so literals are inlined: every
 * value reaching here was validated first, and the session forces standard_conforming_strings so
 * a backslash is just a character and doubling `'` is the whole escape.
 */
export function quoteLiteral(value: string): string {
  if (value.includes('\0')) throw new Error('a NUL character cannot appear in a PostgreSQL literal');
  return `'${value.replace(/'/g, "''")}'`;
}

/** The session the extractor pins so that PostgreSQL renders every value the same way on every server. */
export const SESSION_SETTINGS: ReadonlyArray<readonly [string, string]> = [
  ['TimeZone', 'UTC'],
  ['DateStyle', 'ISO, YMD'],
  ['IntervalStyle', 'iso_8601'],
  ['extra_float_digits', '3'],
  ['bytea_output', 'hex'],
  ['standard_conforming_strings', 'on'],
  ['client_encoding', 'UTF8'],
];

/**
 * The select-list expression that renders one column in floe's text form (the conventions): the
 * same SQL feeds COPY (CSV) and the cursor (columnar), so both paths carry identical text.
 * Timestamps go through to_char because the server's own output drops trailing zero fractions.
 */
export function renderColumn(col: ColumnSchema, ref: string): string {
  if (col.isArray) return `to_json(${ref})::text`;
  switch (col.baseType) {
    case 'timestamp':
      return `CASE WHEN isfinite(${ref}) THEN to_char(${ref}, 'YYYY-MM-DD HH24:MI:SS.US') ELSE ${ref}::text END`;
    case 'timestamptz':
      return `CASE WHEN isfinite(${ref}) THEN to_char(${ref} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00:00' ELSE ${ref}::text END`;
    case 'time':
      return `to_char(${ref}, 'HH24:MI:SS.US')`;
    case 'bytea':
      return `encode(${ref}, 'hex')`;
    case 'money':
      // money's text carries a locale currency format; its numeric value is exact.
      return `${ref}::numeric::text`;
    default:
      // The type's own output function (what COPY writes): a cast to text would differ for some
      // types (boolean becomes `true`, char(n) loses its padding).
      return ref;
  }
}

/**
 * Where a value is NaN or ±Infinity in a numeric column, the extraction must fail (Snowflake NUMBER
 * cannot hold them). Checking inside the COPY's own SELECT costs a comparison per value instead of
 * a second pass over the window: the failing branch casts a marker text to numeric, which raises
 * 22P02 with the marker in its message, and {@link nonFiniteColumnOf} reads the column back out.
 * The marker depends on the row, so the planner cannot fold it into an error at plan time.
 */
const NON_FINITE_MARKER = 'floe-non-finite-numeric:';

function checkedNumeric(name: string, ref: string, serverVersion: number): string {
  // numeric has ±Infinity from PostgreSQL 14; they order below and above every finite value, and NaN above all.
  const finite = serverVersion >= 140000 ? `${ref} > '-Infinity'::numeric AND ${ref} < 'Infinity'::numeric` : `${ref} < 'NaN'::numeric`;
  return `CASE WHEN ${ref} IS NULL OR (${finite}) THEN ${ref} ELSE (${quoteLiteral(`${NON_FINITE_MARKER}${name}:`)} || ${ref}::text)::numeric END`;
}

/** The column named by a non-finite-numeric failure raised by {@link renderSelectList}'s check, if it is one. */
export function nonFiniteColumnOf(message: string): string | undefined {
  const at = message.indexOf(NON_FINITE_MARKER);
  if (at < 0) return undefined;
  const rest = message.slice(at + NON_FINITE_MARKER.length);
  const end = rest.lastIndexOf(':');
  return end < 0 ? undefined : rest.slice(0, end);
}

/**
 * The select list the extractor sends (COPY and cursor alike): every column in floe's text form,
 * with numeric columns checked for NaN/±Infinity in the same pass. `serverVersion` is
 * `server_version_num` (e.g. 180000); the default assumes PostgreSQL 14 or later.
 */
export function renderSelectList(columns: readonly ColumnSchema[], alias = 'q', serverVersion = 140000): string {
  return columns
    .map((c) => {
      const ref = `${alias}.${quoteIdent(c.name)}`;
      const rendered = c.baseType === 'numeric' && !c.isArray ? checkedNumeric(c.name, ref, serverVersion) : renderColumn(c, ref);
      return `${rendered} AS ${quoteIdent(c.name)}`;
    })
    .join(', ');
}

/** Types sent as themselves in a binary COPY (see RowStream `binary`); the rest are rendered as text. */
export const BINARY_AS_IS = new Set(['int2', 'int4', 'int8', 'float4', 'float8', 'bool', 'numeric', 'date', 'timestamp', 'timestamptz', 'time', 'bytea', 'text', 'varchar', 'bpchar']);

/**
 * The select list of a binary COPY: the types in {@link BINARY_AS_IS} as they are (their binary
 * forms need no formatting by the server, the cheapest output there is), every other column in
 * floe's text form, cast to text so its binary form is those UTF-8 bytes.
 */
export function renderBinarySelectList(columns: readonly ColumnSchema[], alias = 'q'): string {
  return columns
    .map((c) => {
      const ref = `${alias}.${quoteIdent(c.name)}`;
      return `${!c.isArray && BINARY_AS_IS.has(c.baseType) ? ref : `(${renderColumn(c, ref)})::text`} AS ${quoteIdent(c.name)}`;
    })
    .join(', ');
}

/** Types a cursor window can walk (totally ordered, and rendered losslessly as text). */
export const CURSOR_TYPES = new Set(['int2', 'int4', 'int8', 'numeric', 'date', 'timestamp', 'timestamptz']);

/** Whether a YYYY-MM-DD text names a real calendar day. */
export function isRealDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d;
}
