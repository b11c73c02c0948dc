import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/index.js';
import { BUCKET, rows, stageSetup, startHarness, type Harness } from './objects-harness.js';

const COLUMNS = 'ORDERNUMBER, ORDERLINENUMBER, SALES, _FLOE_FILE, _FLOE_ROW, _FLOE_RUN_ID, _FLOE_LOADED_AT';
const PIPE_COPY = `COPY INTO SALES_LANDING (${COLUMNS}) FROM (SELECT $1, $2, $3, METADATA$FILENAME, METADATA$FILE_ROW_NUMBER, REGEXP_SUBSTR(METADATA$FILENAME, 'run=([^/]+)/', 1, 1, 'e'), CURRENT_TIMESTAMP() FROM @FLOE_STAGE/sales/) FILE_FORMAT = (FORMAT_NAME = 'FLOE_CSV') PATTERN = '.*part-[0-9]+[.](csv[.]gz|parquet)'`;

/** The one task floe creates: both derived tables merged in one transaction from one stream. */
const TASK_BODY = `BEGIN
  BEGIN TRANSACTION;
  MERGE INTO SALES t USING (
    SELECT ORDERNUMBER, ORDERLINENUMBER, SALES, _FLOE_RUN_ID FROM SALES_STREAM
    QUALIFY ROW_NUMBER() OVER (PARTITION BY ORDERNUMBER, ORDERLINENUMBER ORDER BY _FLOE_RUN_ID DESC, _FLOE_ROW DESC) = 1
  ) s ON t.ORDERNUMBER = s.ORDERNUMBER AND t.ORDERLINENUMBER = s.ORDERLINENUMBER
  WHEN MATCHED AND s._FLOE_RUN_ID >= t._FLOE_RUN_ID THEN UPDATE SET SALES = s.SALES, _FLOE_RUN_ID = s._FLOE_RUN_ID
  WHEN NOT MATCHED THEN INSERT (ORDERNUMBER, ORDERLINENUMBER, SALES, _FLOE_RUN_ID) VALUES (s.ORDERNUMBER, s.ORDERLINENUMBER, s.SALES, s._FLOE_RUN_ID);
  MERGE INTO INVOICES i USING (
    SELECT ORDERNUMBER, SUM(SALES) AS TOTAL FROM SALES
    WHERE ORDERNUMBER IN (SELECT ORDERNUMBER FROM SALES_STREAM) GROUP BY ORDERNUMBER
  ) s ON i.ORDERNUMBER = s.ORDERNUMBER
  WHEN MATCHED THEN UPDATE SET TOTAL = s.TOTAL
  WHEN NOT MATCHED THEN INSERT (ORDERNUMBER, TOTAL) VALUES (s.ORDERNUMBER, s.TOTAL);
  COMMIT;
END`;

const RUN_1 = '20261126T020000000Z-aaaaaaaa';
const RUN_2 = '20261126T030000000Z-bbbbbbbb';
const part = (run: string): string => `floe/sales/dt=2026-11-25/run=${run}/part-00000.csv.gz`;
const csv = (...lines: string[]): string => ['ordernumber,orderlinenumber,sales', ...lines, ''].join('\n');

describe('pipe → landing table → stream → task, through the real snowflake-sdk and s3rver', () => {
  let h: Harness;
  let clock: ManualClock;
  let unsubscribe: () => void;
  const q = (sql: string) => rows(h.conn, sql, { fetchAsString: ['Number', 'Date'] });

  beforeAll(async () => {
    clock = new ManualClock(new Date('2026-11-26T01:30:00Z'));
    h = await startHarness({ clock, autoRunTasks: false });
    await h.sql(
      ...stageSetup('floe/'),
      `CREATE TABLE SALES_LANDING (ORDERNUMBER NUMBER(10,0), ORDERLINENUMBER NUMBER(5,0), SALES NUMBER(12,2), _FLOE_FILE VARCHAR, _FLOE_ROW NUMBER(19,0), _FLOE_RUN_ID VARCHAR, _FLOE_LOADED_AT TIMESTAMP_LTZ)`,
      'CREATE TABLE SALES (ORDERNUMBER NUMBER(10,0), ORDERLINENUMBER NUMBER(5,0), SALES NUMBER(12,2), _FLOE_RUN_ID VARCHAR)',
      'CREATE TABLE INVOICES (ORDERNUMBER NUMBER(10,0), TOTAL NUMBER(14,2))',
      `CREATE PIPE FLOE_SALES_PIPE AUTO_INGEST = TRUE AS ${PIPE_COPY}`,
      'CREATE STREAM SALES_STREAM ON TABLE SALES_LANDING APPEND_ONLY = TRUE',
      `CREATE TASK FLOE_SALES_TASK WAREHOUSE = WH SCHEDULE = 'USING CRON 0 * * * * UTC' WHEN SYSTEM$STREAM_HAS_DATA('SALES_STREAM') AS ${TASK_BODY}`,
      'ALTER TASK FLOE_SALES_TASK RESUME',
    );
    const channel = String((await h.sql('SHOW PIPES'))[0]?.notification_channel);
    unsubscribe = h.s3.onEvent((e) => void h.sf.deliverS3Event(e));
    await h.sf.setBucketNotification(BUCKET, {
      QueueConfigurations: [{ Id: 'floe-sales', QueueArn: channel, Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'floe/sales/' }, { Name: 'suffix', Value: '.csv.gz' }] } } }],
    });
  });
  afterAll(async () => {
    unsubscribe?.();
    await h?.stop();
  });

  it('merges two deliveries of the same keys once, latest run winning, with exact money', async () => {
    await h.put(part(RUN_1), csv('10107,2,2871.00', '10107,5,2765.90', '10121,5,2301.10'));
    await h.put(part(RUN_2), csv('10107,5,2765.91', '10134,2,3884.34'));
    await h.sf.drainPipes();
    expect(await q('SELECT COUNT(*) AS N FROM SALES_LANDING')).toEqual([{ N: '5' }]);

    clock.set(new Date('2026-11-26T02:00:00Z'));
    const runs = await h.sf.runDueTasks();
    expect(runs.map((r) => [r.state, r.errorMessage])).toEqual([['SUCCEEDED', undefined]]);
    expect(await q('SELECT ORDERNUMBER, ORDERLINENUMBER, SALES, _FLOE_RUN_ID FROM SALES ORDER BY ORDERNUMBER, ORDERLINENUMBER')).toEqual([
      { ORDERNUMBER: '10107', ORDERLINENUMBER: '2', SALES: '2871.00', _FLOE_RUN_ID: RUN_1 },
      { ORDERNUMBER: '10107', ORDERLINENUMBER: '5', SALES: '2765.91', _FLOE_RUN_ID: RUN_2 },
      { ORDERNUMBER: '10121', ORDERLINENUMBER: '5', SALES: '2301.10', _FLOE_RUN_ID: RUN_1 },
      { ORDERNUMBER: '10134', ORDERLINENUMBER: '2', SALES: '3884.34', _FLOE_RUN_ID: RUN_2 },
    ]);
    expect(await q('SELECT ORDERNUMBER, TOTAL FROM INVOICES ORDER BY ORDERNUMBER')).toEqual([
      { ORDERNUMBER: '10107', TOTAL: '5636.91' },
      { ORDERNUMBER: '10121', TOTAL: '2301.10' },
      { ORDERNUMBER: '10134', TOTAL: '3884.34' },
    ]);

    // The next hour nothing new arrived: the task is skipped and nothing changes.
    clock.set(new Date('2026-11-26T03:00:00Z'));
    expect((await h.sf.runDueTasks()).map((r) => r.state)).toEqual(['SKIPPED']);
    expect(await q('SELECT SUM(SALES) AS TOTAL, COUNT(*) AS N FROM SALES')).toEqual([{ TOTAL: '11822.35', N: '4' }]);
  });
});
