import { describe, expect, it } from 'vitest';
import { generateSalesRows, type SalesRow } from '../src/index.js';

const toCents = (s: string) => {
  const [i, f = ''] = s.split('.');
  return BigInt(i ?? '0') * 100n + BigInt(f.padEnd(2, '0'));
};

describe('generateSalesRows', () => {
  const rows: SalesRow[] = [...generateSalesRows()];

  it('reproduces the Kaggle counts by default', () => {
    expect(rows.length).toBe(2823);
    expect(new Set(rows.map((r) => r.ordernumber)).size).toBe(307);
    expect(new Set(rows.map((r) => r.customername)).size).toBe(92);
    expect(new Set(rows.map((r) => r.productcode)).size).toBe(109);
    const days = [...new Set(rows.map((r) => r.orderdate!.slice(0, 10)))].sort();
    expect(days.length).toBe(252);
    expect(days.at(-1)).toBe('2005-05-31');
    expect(new Set(rows.map((r) => `${r.ordernumber}/${r.orderlinenumber}`)).size).toBe(2823);
  });

  it('keeps one date and one customer per order, one line and MSRP per product', () => {
    const perOrder = new Map<string, string>();
    const perProduct = new Map<string, string>();
    for (const r of rows) {
      const o = `${r.orderdate}|${r.customername}`;
      expect(perOrder.get(r.ordernumber!) ?? o).toBe(o);
      perOrder.set(r.ordernumber!, o);
      const p = `${r.productline}|${r.msrp}`;
      expect(perProduct.get(r.productcode!) ?? p).toBe(p);
      perProduct.set(r.productcode!, p);
    }
  });

  it('has the awkward values real data has', () => {
    expect(rows.some((r) => r.addressline2 === null)).toBe(true);
    expect(rows.some((r) => r.state === null)).toBe(true);
    expect(rows.some((r) => r.postalcode === null)).toBe(true);
    expect(rows.some((r) => r.territory === 'NA')).toBe(true);
    expect(rows.some((r) => r.customername!.includes("'"))).toBe(true);
    expect(rows.some((r) => r.customername!.includes(','))).toBe(true);
    expect(rows.some((r) => /[^\x00-\x7f]/.test(`${r.customername}${r.addressline1}${r.contactfirstname}${r.city}`))).toBe(true);
  });

  it('writes money as exact two-decimal text; SALES is quantity × unit price', () => {
    for (const r of rows) {
      expect(r.priceeach).toMatch(/^\d+\.\d{2}$/);
      expect(r.sales).toMatch(/^\d+\.\d{2}$/);
      expect(toCents(r.priceeach!)).toBeLessThanOrEqual(10000n);
    }
  });

  it('is deterministic per seed and differs across seeds', () => {
    const again = [...generateSalesRows()];
    expect(again).toEqual(rows);
    const other = [...generateSalesRows({ seed: 7 })];
    expect(other.length).toBe(2823);
    expect(other).not.toEqual(rows);
  });

  it('scales to a row count (streamed, one row at a time)', () => {
    let n = 0;
    const orders = new Set<string>();
    for (const r of generateSalesRows({ rows: 50_000 })) {
      n++;
      orders.add(r.ordernumber!);
    }
    expect(n).toBe(50_000);
    expect(orders.size).toBe(Math.round((50_000 * 307) / 2823));
  });

  it('refuses inconsistent options', () => {
    expect(() => [...generateSalesRows({ rows: 10, orders: 20 })]).toThrow();
  });
});
