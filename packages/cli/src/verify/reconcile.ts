import { canonicalDecimal } from './decimal.js';

/** One day's figures of one table: measure name → exact decimal text. */
export type DayFigures = ReadonlyMap<string, Readonly<Record<string, string>>>;

/** A figure that differs between PostgreSQL and Snowflake. */
export interface Difference {
  readonly table: string;
  readonly day: string;
  readonly measure: string;
  readonly postgres: string;
  readonly snowflake: string;
}

/** Both sides of one comparison (a Snowflake table against what PostgreSQL says it must hold). */
export interface Comparison {
  readonly table: string;
  readonly measures: readonly string[];
  readonly postgres: DayFigures;
  readonly snowflake: DayFigures;
}

/**
 * Compares every day of `days` for every measure, as canonical decimal strings (exact: no float is
 * involved). A day absent on one side counts as zero rows and zero sums there.
 */
export function reconcile(days: readonly string[], c: Comparison): Difference[] {
  const out: Difference[] = [];
  for (const day of days) {
    const pg = c.postgres.get(day) ?? {};
    const sf = c.snowflake.get(day) ?? {};
    for (const m of c.measures) {
      const a = canonicalDecimal(pg[m]);
      const b = canonicalDecimal(sf[m]);
      if (a !== b) out.push({ table: c.table, day, measure: m, postgres: a, snowflake: b });
    }
  }
  return out;
}

/** Adds decimal strings exactly (BigInt over a common scale), for range totals. */
export function addDecimals(values: readonly string[]): string {
  let scale = 0;
  for (const v of values) scale = Math.max(scale, (canonicalDecimal(v).split('.')[1] ?? '').length);
  let total = 0n;
  for (const v of values) {
    const c = canonicalDecimal(v);
    const neg = c.startsWith('-');
    const [i = '0', f = ''] = c.replace(/^-/, '').split('.');
    const n = BigInt(i + f.padEnd(scale, '0'));
    total += neg ? -n : n;
  }
  const neg = total < 0n;
  const digits = (neg ? -total : total).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return canonicalDecimal(`${neg ? '-' : ''}${text}`);
}

/** Range totals of a side: the sum of each measure over the given days. */
export function totals(days: readonly string[], measures: readonly string[], figures: DayFigures): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of measures) out[m] = addDecimals(days.map((d) => figures.get(d)?.[m] ?? '0'));
  return out;
}
