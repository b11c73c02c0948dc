import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, parseDay, parseRange } from '../src/dates.js';
import { canonicalDecimal } from '../src/verify/decimal.js';
import { addDecimals, reconcile } from '../src/verify/reconcile.js';

describe('exact decimal comparison', () => {
  it('canonicalises PostgreSQL and Snowflake decimal text without a float', () => {
    expect(canonicalDecimal('10032628.850')).toBe('10032628.85');
    expect(canonicalDecimal('0010.00')).toBe('10');
    expect(canonicalDecimal('-0.00')).toBe('0');
    expect(canonicalDecimal(null)).toBe('0');
    // Beyond 2^53: a float would round this; the text comparison keeps every digit.
    expect(canonicalDecimal('12345678901234567890.12')).toBe('12345678901234567890.12');
    expect(canonicalDecimal('12345678901234567890.12')).not.toBe(canonicalDecimal('12345678901234567890.13'));
  });

  it('adds decimal strings exactly', () => {
    expect(addDecimals(['0.1', '0.2'])).toBe('0.3');
    expect(addDecimals(['78918.03', '10032628.85', '-0.88'])).toBe('10111546');
    expect(addDecimals(['9007199254740993', '1'])).toBe('9007199254740994');
  });

  it('lists each differing day and measure, a missing day counting as zero', () => {
    const days = ['2005-05-30', '2005-05-31'];
    const diffs = reconcile(days, {
      table: 'SALES',
      measures: ['rows', 'sum(sales)'],
      postgres: new Map([
        ['2005-05-30', { rows: '3', 'sum(sales)': '100.50' }],
        ['2005-05-31', { rows: '19', 'sum(sales)': '78918.03' }],
      ]),
      snowflake: new Map([['2005-05-31', { rows: '19', 'sum(sales)': '78918.030' }]]),
    });
    expect(diffs).toEqual([
      { table: 'SALES', day: '2005-05-30', measure: 'rows', postgres: '3', snowflake: '0' },
      { table: 'SALES', day: '2005-05-30', measure: 'sum(sales)', postgres: '100.5', snowflake: '0' },
    ]);
  });
});

describe('day ranges', () => {
  it('walks calendar days across month, year and leap-day boundaries', () => {
    expect(daysBetween('2004-02-27', '2004-03-01')).toEqual(['2004-02-27', '2004-02-28', '2004-02-29', '2004-03-01']);
    expect(addDays('2004-12-31', 1)).toBe('2005-01-01');
    expect(parseRange('2003-01-06', '2005-05-31')._unsafeUnwrap()).toHaveLength(877);
  });

  it('refuses impossible dates and reversed ranges with the flag named', () => {
    const bad = parseDay('2005-02-29', '--date');
    expect(bad.isErr() && bad.error).toMatchObject({ kind: 'config', object: '--date' });
    const reversed = parseRange('2005-05-31', '2005-05-01');
    expect(reversed.isErr() && reversed.error.message).toContain('after');
  });
});
