/**
 * Parsers for the PostgreSQL text forms the extractor selects (ISO dates, 6-digit fractions,
 * timestamptz in UTC, exact numeric text). Integers only: no value goes through a JS float unless
 * the column itself is a float. Each returns undefined for text it does not accept, and the
 * caller turns that into an error naming the column.
 */

const DATE = /^(\d{4,})-(\d{2})-(\d{2})( BC)?$/;
const TIMESTAMP = /^(\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?:([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?|Z)?( BC)?$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;
const DECIMAL = /^([+-])?(\d+)(?:\.(\d*))?$/;

const MICROS_PER_DAY = 86_400_000_000n;

/** Days from 1970-01-01 in the proleptic Gregorian calendar (works for any year, BC included). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

// PostgreSQL writes year 1 BC as `0001 ... BC`; astronomical year numbering makes that 0.
function astronomicalYear(digits: string, bc: string | undefined): number {
  const y = Number(digits);
  return bc ? 1 - y : y;
}

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return day <= (lengths[month - 1] ?? 0);
}

/** `YYYY-MM-DD[ BC]` → days since 1970-01-01. */
export function parseDateDays(text: string): number | undefined {
  const m = DATE.exec(text);
  if (!m) return undefined;
  const year = astronomicalYear(m[1]!, m[4]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  return validDate(year, month, day) ? daysFromCivil(year, month, day) : undefined;
}

function fractionMicros(frac: string | undefined): bigint {
  return frac ? BigInt(frac.padEnd(6, '0')) : 0n;
}

/**
 * `YYYY-MM-DD HH:MM:SS[.ffffff][±HH[:MM[:SS]]][ BC]` → microseconds since the epoch. With an
 * offset the result is the UTC instant; without one, the wall clock read as if it were UTC
 * (Parquet's "local" timestamp).
 */
export function parseTimestampMicros(text: string): bigint | undefined {
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  const year = astronomicalYear(m[1]!, m[12]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const h = Number(m[4]);
  const min = Number(m[5]);
  const s = Number(m[6]);
  if (!validDate(year, month, day) || h > 24 || min > 59 || s > 60) return undefined;
  const secondsOfDay = h * 3600 + min * 60 + s;
  let offsetSeconds = 0;
  if (m[8]) offsetSeconds = (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 3600 + Number(m[10] ?? 0) * 60 + Number(m[11] ?? 0));
  return BigInt(daysFromCivil(year, month, day)) * MICROS_PER_DAY + BigInt(secondsOfDay - offsetSeconds) * 1_000_000n + fractionMicros(m[7]);
}

/** `HH:MM:SS[.ffffff]` → microseconds since midnight (`24:00:00` allowed, as in PostgreSQL). */
export function parseTimeMicros(text: string): bigint | undefined {
  const m = TIME.exec(text);
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  const s = Number(m[3]);
  if (h > 24 || min > 59 || s > 59) return undefined;
  const micros = BigInt(h * 3600 + min * 60 + s) * 1_000_000n + fractionMicros(m[4]);
  return micros <= MICROS_PER_DAY ? micros : undefined;
}

/** Why a decimal text does not fit DECIMAL(p,s). */
export type DecimalProblem = 'not_a_number' | 'scale' | 'precision';

/**
 * Exact decimal text → the unscaled integer of DECIMAL(precision, scale). Extra fraction digits are
 * accepted only when they are zeros (nothing is rounded); NaN, ±Infinity and exponents are refused.
 */
export function parseDecimalUnscaled(text: string, precision: number, scale: number): bigint | DecimalProblem {
  const m = DECIMAL.exec(text);
  if (!m) return 'not_a_number';
  let frac = m[3] ?? '';
  if (frac.length > scale) {
    if (/[^0]/.test(frac.slice(scale))) return 'scale';
    frac = frac.slice(0, scale);
  }
  const intDigits = m[2]!.replace(/^0+/, '');
  if (intDigits.length > precision - scale) return 'precision';
  return BigInt(`${m[1] === '-' ? '-' : ''}${intDigits || '0'}${frac.padEnd(scale, '0')}`);
}

/** `t`/`f` (also `true`/`false`) → boolean. */
export function parseBool(text: string): boolean | undefined {
  if (text === 't' || text === 'true') return true;
  if (text === 'f' || text === 'false') return false;
  return undefined;
}

/** bytea hex text (with or without PostgreSQL's `\x`) → bytes. */
export function parseHex(text: string): Buffer | undefined {
  const hex = text.startsWith('\\x') ? text.slice(2) : text;
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  return Buffer.from(hex, 'hex');
}

/** Integer text → number, for int2/int4 (within the column's range). */
export function parseSmallInt(text: string, min: number, max: number): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}

/** Integer text → bigint, for int8. */
export function parseBigInt(text: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const n = BigInt(text);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined;
}
