import { salesCsvPath, SALES_CSV_MISSING } from '@floe/testkit';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageSetup, startHarness, type Harness } from './objects-harness.js';

const csvPath = salesCsvPath();

/** The three cp437 bytes the data set holds (its README); any other high byte fails the test loudly. */
const CP437: Record<number, string> = { 0x84: 'ä', 0xa1: 'í', 0xa4: 'ñ' };
function cp437ToUtf8(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    if (b < 0x80) out += String.fromCharCode(b);
    else if (CP437[b] !== undefined) out += CP437[b];
    else throw new Error(`unexpected cp437 byte 0x${b.toString(16)} in the sales data set`);
  }
  return out;
}

const TABLE = `CREATE TABLE KAGGLE_SALES (ORDERNUMBER NUMBER(38,0), QUANTITYORDERED NUMBER(38,0), PRICEEACH NUMBER(10,2), ORDERLINENUMBER NUMBER(38,0),
  SALES NUMBER(12,2), ORDERDATE VARCHAR, STATUS VARCHAR, QTR_ID NUMBER(38,0), MONTH_ID NUMBER(38,0), YEAR_ID NUMBER(38,0), PRODUCTLINE VARCHAR,
  MSRP NUMBER(38,0), PRODUCTCODE VARCHAR, CUSTOMERNAME VARCHAR, PHONE VARCHAR, ADDRESSLINE1 VARCHAR, ADDRESSLINE2 VARCHAR, CITY VARCHAR,
  STATE VARCHAR, POSTALCODE VARCHAR, COUNTRY VARCHAR, TERRITORY VARCHAR, CONTACTLASTNAME VARCHAR, CONTACTFIRSTNAME VARCHAR, DEALSIZE VARCHAR)`;

describe('COPY of the real Kaggle sales data set (CRLF, quoted commas, NA territory)', () => {
  let h: Harness;
  beforeAll(async () => {
    if (csvPath === undefined) return;
    h = await startHarness();
    await h.sql(...stageSetup('floe/'), TABLE);
    // UTF-8 as floe writes it; line endings and quoting left exactly as in the file.
    await h.put('floe/kaggle/run=20261126T101500123Z-3f9a1c2e/part-00000.csv.gz', cp437ToUtf8(await readFile(csvPath)));
  });
  afterAll(async () => {
    await h?.stop();
  });

  it.skipIf(csvPath === undefined)(`loads every row with exact sums (skipped when ${SALES_CSV_MISSING})`, async () => {
    const result = await h.sql('COPY INTO KAGGLE_SALES FROM @FLOE_STAGE/kaggle/');
    expect(result.map((r) => [r.status, r.rows_parsed, r.rows_loaded, r.errors_seen])).toEqual([['LOADED', 2823, 2823, 0]]);
    const facts = await h.sql(`SELECT COUNT(*) AS N, SUM(SALES)::VARCHAR AS SALES, SUM(QUANTITYORDERED)::VARCHAR AS QTY, SUM(PRICEEACH)::VARCHAR AS PRICE,
      COUNT(DISTINCT ORDERNUMBER) AS ORDERS, COUNT(DISTINCT CUSTOMERNAME) AS CUSTOMERS, COUNT(DISTINCT PRODUCTCODE) AS PRODUCTS FROM KAGGLE_SALES`);
    expect(facts).toEqual([{ N: 2823, SALES: '10032628.85', QTY: '99067', PRICE: '236168.07', ORDERS: 307, CUSTOMERS: 92, PRODUCTS: 109 }]);
    const territories = await h.sql('SELECT TERRITORY, COUNT(*) AS N FROM KAGGLE_SALES GROUP BY TERRITORY ORDER BY N DESC');
    expect(territories).toEqual([
      { TERRITORY: 'EMEA', N: 1407 },
      { TERRITORY: 'NA', N: 1074 },
      { TERRITORY: 'APAC', N: 221 },
      { TERRITORY: 'Japan', N: 121 },
    ]);
    const missing = await h.sql('SELECT COUNT(*) - COUNT(ADDRESSLINE2) AS A2, COUNT(*) - COUNT(STATE) AS ST, COUNT(*) - COUNT(POSTALCODE) AS PC FROM KAGGLE_SALES');
    expect(missing).toEqual([{ A2: 2521, ST: 1486, PC: 76 }]);
    const text = await h.sql("SELECT COUNT(*) AS N FROM KAGGLE_SALES WHERE ADDRESSLINE1 LIKE '%Berguvsvägen%' OR CUSTOMERNAME = 'Australian Collectors, Co.' OR CONTACTFIRSTNAME = 'Martín'");
    expect(Number(text[0]?.N)).toBeGreaterThan(0);
    const quoted = await h.sql("SELECT DISTINCT CUSTOMERNAME FROM KAGGLE_SALES WHERE CUSTOMERNAME LIKE 'Australian Collectors%'");
    expect(quoted).toEqual([{ CUSTOMERNAME: 'Australian Collectors, Co.' }]);
    const dates = await h.sql("SELECT ORDERDATE FROM KAGGLE_SALES WHERE ORDERNUMBER = 10107 AND ORDERLINENUMBER = 2");
    expect(dates).toEqual([{ ORDERDATE: '2/24/2003 0:00' }]);
  });
});
