import type { Connection } from 'snowflake-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from './protocol-sdk.js';
import { query, run, startHarness, type Harness } from './stream-harness.js';

/** The landing table shape floe loads (a subset of the sales columns plus the _FLOE_ columns). */
function landingDdl(name: string): string {
  return `CREATE TABLE ${name} (ORDERNUMBER NUMBER(10,0), ORDERLINENUMBER NUMBER(5,0), SALES NUMBER(12,2), STATUS VARCHAR, _FLOE_RUN_ID VARCHAR, _FLOE_ROW NUMBER(19,0))`;
}

function targetDdl(name: string): string {
  return `CREATE TABLE ${name} (ORDERNUMBER NUMBER(10,0), ORDERLINENUMBER NUMBER(5,0), SALES NUMBER(12,2), STATUS VARCHAR, _FLOE_RUN_ID VARCHAR)`;
}

/** The task's MERGE: the stream's rows de-duplicated by key, the latest delivery wins. */
function mergeSql(target: string, stream: string): string {
  return `MERGE INTO ${target} t USING (
      SELECT ORDERNUMBER, ORDERLINENUMBER, SALES, STATUS, _FLOE_RUN_ID FROM ${stream}
      WHERE METADATA$ACTION = 'INSERT'
      QUALIFY ROW_NUMBER() OVER (PARTITION BY ORDERNUMBER, ORDERLINENUMBER ORDER BY _FLOE_RUN_ID DESC, _FLOE_ROW DESC) = 1
    ) s ON t.ORDERNUMBER = s.ORDERNUMBER AND t.ORDERLINENUMBER = s.ORDERLINENUMBER
    WHEN MATCHED AND s._FLOE_RUN_ID >= t._FLOE_RUN_ID THEN UPDATE SET SALES = s.SALES, STATUS = s.STATUS, _FLOE_RUN_ID = s._FLOE_RUN_ID
    WHEN NOT MATCHED THEN INSERT (ORDERNUMBER, ORDERLINENUMBER, SALES, STATUS, _FLOE_RUN_ID)
      VALUES (s.ORDERNUMBER, s.ORDERLINENUMBER, s.SALES, s.STATUS, s._FLOE_RUN_ID)`;
}

const RUN_1 = '20261126T020000000Z-aaaaaaaa';
const RUN_2 = '20261126T030000000Z-bbbbbbbb';

describe('append-only streams through the real snowflake-sdk', () => {
  let h: Harness;
  let conn: Connection;
  let other: Connection;

  beforeAll(async () => {
    h = await startHarness();
    conn = await h.open();
    other = await h.open();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('brings rows inserted in two batches to the target exactly once each', async () => {
    await run(conn, landingDdl('L1'), targetDdl('T1'), 'CREATE STREAM S1 ON TABLE L1 APPEND_ONLY = TRUE');
    await run(conn, `INSERT INTO L1 VALUES (10107, 2, 2871.00, 'Shipped', '${RUN_1}', 1), (10107, 5, 2765.90, 'Shipped', '${RUN_1}', 2)`);
    const first = await query(conn, mergeSql('T1', 'S1'));
    expect(first).toEqual([{ 'number of rows inserted': '2', 'number of rows updated': '0', 'number of rows deleted': '0' }]);
    await run(conn, `INSERT INTO L1 VALUES (10121, 5, 2301.10, 'Shipped', '${RUN_2}', 1)`);
    await query(conn, mergeSql('T1', 'S1'));
    // A third MERGE with nothing new changes nothing.
    expect(await query(conn, mergeSql('T1', 'S1'))).toEqual([{ 'number of rows inserted': '0', 'number of rows updated': '0', 'number of rows deleted': '0' }]);
    expect(await query(conn, 'SELECT ORDERNUMBER, ORDERLINENUMBER, SALES FROM T1 ORDER BY ORDERNUMBER, ORDERLINENUMBER')).toEqual([
      { ORDERNUMBER: '10107', ORDERLINENUMBER: '2', SALES: '2871.00' },
      { ORDERNUMBER: '10107', ORDERLINENUMBER: '5', SALES: '2765.90' },
      { ORDERNUMBER: '10121', ORDERLINENUMBER: '5', SALES: '2301.10' },
    ]);
  });

  it('shows pending rows with their METADATA$ columns, and a plain SELECT does not consume them', async () => {
    await run(conn, landingDdl('L2'), 'CREATE STREAM S2 ON TABLE L2 APPEND_ONLY = TRUE');
    await run(conn, `INSERT INTO L2 VALUES (10100, 1, 5151.00, 'Shipped', '${RUN_1}', 1)`);
    const rows = await query(conn, 'SELECT ORDERNUMBER, SALES, METADATA$ACTION, METADATA$ISUPDATE, METADATA$ROW_ID FROM S2');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ ORDERNUMBER: '10100', SALES: '5151.00', METADATA$ACTION: 'INSERT' });
    expect(['FALSE', 'false', '0']).toContain(rows[0]!.METADATA$ISUPDATE);
    expect(typeof rows[0]!.METADATA$ROW_ID).toBe('string');
    // Read again, from another session too: still there.
    expect(await query(conn, 'SELECT ORDERNUMBER FROM S2')).toEqual([{ ORDERNUMBER: '10100' }]);
    expect(await query(other, 'SELECT ORDERNUMBER FROM FLOE.PUBLIC.S2')).toEqual([{ ORDERNUMBER: '10100' }]);
    expect(await query(conn, "SELECT SYSTEM$STREAM_HAS_DATA('S2') AS HAS")).toEqual([{ HAS: expect.stringMatching(/^(true|TRUE|1)$/) }]);
  });

  it('keeps the offset when the consuming transaction rolls back, and moves it when it commits', async () => {
    await run(conn, landingDdl('L3'), targetDdl('T3'), 'CREATE STREAM S3 ON TABLE L3 APPEND_ONLY = TRUE');
    await run(conn, `INSERT INTO L3 VALUES (10200, 1, 10.01, 'Shipped', '${RUN_1}', 1), (10200, 2, 20.02, 'Shipped', '${RUN_1}', 2)`);
    await run(conn, 'BEGIN TRANSACTION', mergeSql('T3', 'S3'), 'ROLLBACK');
    expect(await query(conn, 'SELECT COUNT(*) AS N FROM T3')).toEqual([{ N: '0' }]);
    expect(await query(conn, 'SELECT COUNT(*) AS N FROM S3')).toEqual([{ N: '2' }]);
    await run(conn, 'BEGIN TRANSACTION', mergeSql('T3', 'S3'), 'COMMIT');
    expect(await query(conn, 'SELECT SUM(SALES) AS TOTAL FROM T3')).toEqual([{ TOTAL: '30.03' }]);
    expect(await query(conn, 'SELECT COUNT(*) AS N FROM S3')).toEqual([{ N: '0' }]);
    expect(await query(conn, "SELECT SYSTEM$STREAM_HAS_DATA('S3') AS HAS")).toEqual([{ HAS: expect.stringMatching(/^(false|FALSE|0)$/) }]);
  });

  it('de-duplicates the same keys delivered by two runs before the MERGE: the latest run wins', async () => {
    await run(conn, landingDdl('L4'), targetDdl('T4'), 'CREATE STREAM S4 ON TABLE L4 APPEND_ONLY = TRUE');
    // Run 2 re-delivers both keys (one with a corrected amount) before anything consumed run 1.
    await run(conn, `INSERT INTO L4 VALUES (10300, 1, 100.00, 'In Process', '${RUN_1}', 1), (10300, 2, 200.00, 'In Process', '${RUN_1}', 2)`);
    await run(conn, `INSERT INTO L4 VALUES (10300, 1, 100.00, 'Shipped', '${RUN_2}', 1), (10300, 2, 250.50, 'Shipped', '${RUN_2}', 2)`);
    await query(conn, mergeSql('T4', 'S4'));
    expect(await query(conn, 'SELECT ORDERLINENUMBER, SALES, STATUS, _FLOE_RUN_ID FROM T4 ORDER BY ORDERLINENUMBER')).toEqual([
      { ORDERLINENUMBER: '1', SALES: '100.00', STATUS: 'Shipped', _FLOE_RUN_ID: RUN_2 },
      { ORDERLINENUMBER: '2', SALES: '250.50', STATUS: 'Shipped', _FLOE_RUN_ID: RUN_2 },
    ]);
    // A late re-delivery of run 1 does not overwrite run 2's values.
    await run(conn, `INSERT INTO L4 VALUES (10300, 2, 200.00, 'In Process', '${RUN_1}', 2)`);
    await query(conn, mergeSql('T4', 'S4'));
    expect(await query(conn, 'SELECT SALES, _FLOE_RUN_ID FROM T4 WHERE ORDERLINENUMBER = 2')).toEqual([{ SALES: '250.50', _FLOE_RUN_ID: RUN_2 }]);
  });

  it('lets the second of two consumers see nothing after the first committed', async () => {
    await run(conn, landingDdl('L5'), targetDdl('T5A'), targetDdl('T5B'), 'CREATE STREAM S5 ON TABLE L5 APPEND_ONLY = TRUE');
    await run(conn, `INSERT INTO L5 VALUES (10400, 1, 1.00, 'Shipped', '${RUN_1}', 1), (10400, 2, 2.00, 'Shipped', '${RUN_1}', 2)`);
    await query(conn, mergeSql('T5A', 'S5'));
    await query(other, mergeSql('T5B', 'S5'));
    expect(await query(conn, 'SELECT COUNT(*) AS N FROM T5A')).toEqual([{ N: '2' }]);
    expect(await query(conn, 'SELECT COUNT(*) AS N FROM T5B')).toEqual([{ N: '0' }]);
  });

  it('shows the same rows to every read inside one transaction, so two MERGEs in it both see them', async () => {
    await run(conn, landingDdl('L6'), targetDdl('T6A'), targetDdl('T6B'), 'CREATE STREAM S6 ON TABLE L6 APPEND_ONLY = TRUE');
    await run(conn, `INSERT INTO L6 VALUES (10500, 1, 1.50, 'Shipped', '${RUN_1}', 1), (10500, 2, 2.50, 'Shipped', '${RUN_1}', 2)`);
    await run(conn, 'BEGIN TRANSACTION', mergeSql('T6A', 'S6'));
    // Another session commits a new row while the transaction is open: the transaction does not
    // see it, and it must not be lost when the transaction's commit moves the offset.
    await run(other, `INSERT INTO L6 VALUES (10501, 1, 9.99, 'Shipped', '${RUN_2}', 1)`);
    await run(conn, mergeSql('T6B', 'S6'), 'COMMIT');
    expect(await query(conn, 'SELECT ORDERNUMBER, SUM(SALES) AS TOTAL FROM T6A GROUP BY ORDERNUMBER')).toEqual([{ ORDERNUMBER: '10500', TOTAL: '4.00' }]);
    expect(await query(conn, 'SELECT ORDERNUMBER, SUM(SALES) AS TOTAL FROM T6B GROUP BY ORDERNUMBER')).toEqual([{ ORDERNUMBER: '10500', TOTAL: '4.00' }]);
    expect(await query(conn, 'SELECT ORDERNUMBER, SALES FROM S6')).toEqual([{ ORDERNUMBER: '10501', SALES: '9.99' }]);
  });

  it('does not lose rows committed after a transaction began but before its first stream read', async () => {
    await run(conn, landingDdl('L9'), targetDdl('T9'), 'CREATE STREAM S9 ON TABLE L9 APPEND_ONLY = TRUE');
    await run(conn, `INSERT INTO L9 VALUES (10700, 1, 1.00, 'Shipped', '${RUN_1}', 1)`);
    // The transaction's snapshot starts with its first statement, before the other session's insert.
    await run(conn, 'BEGIN TRANSACTION', 'SELECT COUNT(*) FROM T9');
    await run(other, `INSERT INTO L9 VALUES (10701, 1, 2.00, 'Shipped', '${RUN_2}', 1)`);
    await run(conn, mergeSql('T9', 'S9'), 'COMMIT');
    expect(await query(conn, 'SELECT ORDERNUMBER FROM T9')).toEqual([{ ORDERNUMBER: '10700' }]);
    expect(await query(conn, 'SELECT ORDERNUMBER FROM S9')).toEqual([{ ORDERNUMBER: '10701' }]);
    await query(conn, mergeSql('T9', 'S9'));
    expect(await query(conn, 'SELECT ORDERNUMBER FROM T9 ORDER BY ORDERNUMBER')).toEqual([{ ORDERNUMBER: '10700' }, { ORDERNUMBER: '10701' }]);
  });

  it('keeps following the table after a transaction that inserted into it and read the stream', async () => {
    await run(conn, landingDdl('L10'), targetDdl('T10'), 'CREATE STREAM S10 ON TABLE L10 APPEND_ONLY = TRUE');
    await run(conn, `INSERT INTO L10 VALUES (10800, 1, 1.00, 'Shipped', '${RUN_1}', 1)`);
    await run(conn, 'BEGIN TRANSACTION', `INSERT INTO L10 VALUES (10801, 1, 2.00, 'Shipped', '${RUN_1}', 2)`, mergeSql('T10', 'S10'), 'COMMIT');
    await run(conn, `INSERT INTO L10 VALUES (10802, 1, 3.00, 'Shipped', '${RUN_2}', 1)`);
    await query(conn, mergeSql('T10', 'S10'));
    expect(await query(conn, 'SELECT ORDERNUMBER FROM T10 ORDER BY ORDERNUMBER')).toEqual([{ ORDERNUMBER: '10800' }, { ORDERNUMBER: '10801' }, { ORDERNUMBER: '10802' }]);
    expect(await query(conn, 'SELECT COUNT(*) AS N FROM S10')).toEqual([{ N: '0' }]);
  });

  it('starts at the table end unless SHOW_INITIAL_ROWS = TRUE, and describes itself', async () => {
    await run(conn, landingDdl('L7'), `INSERT INTO L7 VALUES (10600, 1, 7.00, 'Shipped', '${RUN_1}', 1)`);
    await run(conn, 'CREATE STREAM S7 ON TABLE L7 APPEND_ONLY = TRUE SHOW_INITIAL_ROWS = FALSE', 'CREATE STREAM S7I ON TABLE L7 APPEND_ONLY = TRUE SHOW_INITIAL_ROWS = TRUE');
    expect(await query(conn, 'SELECT COUNT(*) AS N FROM S7')).toEqual([{ N: '0' }]);
    expect(await query(conn, 'SELECT COUNT(*) AS N FROM S7I')).toEqual([{ N: '1' }]);
    const shown = await query(conn, "SHOW STREAMS LIKE 'S7%' IN SCHEMA FLOE.PUBLIC");
    expect(shown.map((r) => [r.name, r.table_name, r.mode]).sort()).toEqual([
      ['S7', 'FLOE.PUBLIC.L7', 'APPEND_ONLY'],
      ['S7I', 'FLOE.PUBLIC.L7', 'APPEND_ONLY'],
    ]);
    expect((await query(conn, 'DESC STREAM S7')).map((r) => r.name)).toEqual(['S7']);
    expect((await failure(query(conn, 'CREATE STREAM S7 ON TABLE L7 APPEND_ONLY = TRUE'))).message).toMatch(/already exists/);
    await run(conn, 'CREATE STREAM IF NOT EXISTS S7 ON TABLE L7 APPEND_ONLY = TRUE', 'DROP STREAM S7I');
    expect((await failure(query(conn, 'SELECT COUNT(*) FROM S7I'))).message).toMatch(/S7I/);
    expect((await failure(query(conn, 'DROP STREAM S7I'))).message).toMatch(/does not exist/);
  });

  it('turns stale, loudly, when its base table is re-created', async () => {
    await run(conn, landingDdl('L11'), 'CREATE STREAM S11 ON TABLE L11 APPEND_ONLY = TRUE');
    await run(conn, `INSERT INTO L11 VALUES (10900, 1, 1.00, 'Shipped', '${RUN_1}', 1), (10900, 2, 1.00, 'Shipped', '${RUN_1}', 2)`);
    await run(conn, targetDdl('T11'), mergeSql('T11', 'S11'));
    // Re-created: its row ids start from zero again, below the stream's offset.
    await run(conn, `CREATE OR REPLACE TABLE L11 (ORDERNUMBER NUMBER(10,0), ORDERLINENUMBER NUMBER(5,0), SALES NUMBER(12,2), STATUS VARCHAR, _FLOE_RUN_ID VARCHAR, _FLOE_ROW NUMBER(19,0))`);
    await run(conn, `INSERT INTO L11 VALUES (10901, 1, 1.00, 'Shipped', '${RUN_2}', 1)`);
    expect((await failure(query(conn, mergeSql('T11', 'S11')))).message).toMatch(/S11 is stale/);
    expect((await query(conn, "SHOW STREAMS LIKE 'S11'"))[0]).toMatchObject({ stale: 'true' });
    await run(conn, 'CREATE OR REPLACE STREAM S11 ON TABLE L11 APPEND_ONLY = TRUE SHOW_INITIAL_ROWS = TRUE', mergeSql('T11', 'S11'));
    expect(await query(conn, 'SELECT COUNT(*) AS N FROM T11')).toEqual([{ N: '3' }]);
  });

  it('refuses what it does not emulate, loudly', async () => {
    await run(conn, landingDdl('L8'));
    expect((await failure(query(conn, 'CREATE STREAM S8 ON TABLE L8'))).message).toMatch(/APPEND_ONLY/);
    expect((await failure(query(conn, 'CREATE STREAM S8 ON TABLE NO_SUCH_TABLE APPEND_ONLY = TRUE'))).message).toMatch(/NO_SUCH_TABLE.*does not exist/);
  });
});
