/**
 * Canonical text of an exact decimal, so PostgreSQL's `1.50` and Snowflake's `1.5` (or `1.500`)
 * compare equal as strings without ever becoming a JS number: sign kept, leading zeros and
 * trailing fraction zeros dropped, `-0` is `0`. NULL (an empty SUM) is `0`.
 */
export function canonicalDecimal(text: string | number | bigint | null | undefined): string {
  if (text === null || text === undefined) return '0';
  const s = String(text).trim();
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(s);
  if (!m) return s; // not a plain decimal (e.g. NaN): compare verbatim
  const sign = m[1] === '-' ? '-' : '';
  const int = (m[2] ?? '').replace(/^0+(?=\d)/, '') || '0';
  const frac = (m[3] ?? '').replace(/0+$/, '');
  const body = frac ? `${int}.${frac}` : int;
  return body === '0' ? '0' : `${sign}${body}`;
}
