import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/index.js';
import { BUCKET, failure, stageSetup, startHarness, type Harness } from './objects-harness.js';

const COLUMNS = 'ID, AMOUNT, NOTE, _FLOE_FILE, _FLOE_ROW, _FLOE_RUN_ID, _FLOE_LOADED_AT';
const PIPE_COPY = `COPY INTO SALES_LANDING (${COLUMNS}) FROM (SELECT $1, $2, $3, METADATA$FILENAME, METADATA$FILE_ROW_NUMBER, REGEXP_SUBSTR(METADATA$FILENAME, 'run=([^/]+)/', 1, 1, 'e'), CURRENT_TIMESTAMP() FROM @FLOE_STAGE/sales/) FILE_FORMAT = (FORMAT_NAME = 'FLOE_CSV') PATTERN = '.*part-[0-9]+[.](csv[.]gz|parquet)'`;

const part = (day: string, run: string): string => `floe/sales/dt=${day}/run=${run}/part-00000.csv.gz`;
const csv = (...rows: string[]): string => ['id,amount,note', ...rows, ''].join('\n');

describe('Snowpipe auto-ingest (through snowflake-sdk, s3rver events)', () => {
  let h: Harness;
  let clock: ManualClock;
  let channel: string;
  let unsubscribe: () => void;

  const landing = async (): Promise<Array<Record<string, unknown>>> => h.sql('SELECT ID, AMOUNT::VARCHAR AS AMOUNT, NOTE, _FLOE_FILE, _FLOE_ROW, _FLOE_RUN_ID FROM SALES_LANDING ORDER BY _FLOE_RUN_ID, _FLOE_ROW');
  const count = async (): Promise<number> => Number((await h.sql('SELECT COUNT(*) AS N FROM SALES_LANDING'))[0]?.N);
  const status = async (): Promise<Record<string, unknown>> => JSON.parse(String((await h.sql("SELECT SYSTEM$PIPE_STATUS('FLOE_SALES_PIPE') AS S"))[0]?.S)) as Record<string, unknown>;
  const notify = (prefix: string, queueArn = channel) =>
    h.sf.setBucketNotification(BUCKET, {
      QueueConfigurations: [
        { Id: 'floe-sales', QueueArn: queueArn, Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: prefix }, { Name: 'suffix', Value: '.csv.gz' }] } } },
      ],
    });

  beforeAll(async () => {
    clock = new ManualClock(new Date());
    h = await startHarness({ clock, autoRunTasks: false });
    await h.sql(
      ...stageSetup('floe/'),
      'CREATE TABLE SALES_LANDING (ID NUMBER(10,0), AMOUNT NUMBER(12,2), NOTE VARCHAR, _FLOE_FILE VARCHAR, _FLOE_ROW NUMBER(38,0), _FLOE_RUN_ID VARCHAR, _FLOE_LOADED_AT TIMESTAMP_LTZ)',
      `CREATE PIPE FLOE_SALES_PIPE AUTO_INGEST = TRUE AS ${PIPE_COPY}`,
    );
    const pipes = await h.sql('SHOW PIPES');
    channel = String(pipes[0]?.notification_channel);
    // s3rver's object events go to the endpoint as SQS would carry them.
    unsubscribe = h.s3.onEvent((e) => void h.sf.deliverS3Event(e));
    await notify('floe/sales/');
  });
  afterAll(async () => {
    unsubscribe?.();
    await h?.stop();
  });

  it('SHOW PIPES gives the SQS channel shared by the account and the definition', async () => {
    expect(channel).toMatch(/^arn:aws:sqs:us-east-1:\d{12}:sf-snowpipe-\S+$/);
    await h.sql(`CREATE PIPE OTHER_PIPE AUTO_INGEST = TRUE AS COPY INTO SALES_LANDING (${COLUMNS}) FROM (SELECT $1, $2, $3, METADATA$FILENAME, METADATA$FILE_ROW_NUMBER, NULL, NULL FROM @FLOE_STAGE/nothing/)`);
    const pipes = await h.sql('SHOW PIPES');
    expect(pipes.map((p) => [p.name, p.notification_channel])).toEqual([
      ['FLOE_SALES_PIPE', channel],
      ['OTHER_PIPE', channel],
    ]);
    expect(pipes[0]?.definition).toBe(PIPE_COPY);
    const desc = await h.sql('DESC PIPE FLOE_SALES_PIPE');
    expect(desc[0]?.notification_channel).toBe(channel);
    await h.sql('DROP PIPE OTHER_PIPE');
  });

  it('a file staged under the pipe path is loaded once', async () => {
    await h.put(part('2026-11-25', '20261126T101500123Z-3f9a1c2e'), csv('1,19.99,', '2,0.10,""'));
    await h.sf.drainPipes();
    expect(await landing()).toEqual([
      { ID: 1, AMOUNT: '19.99', NOTE: null, _FLOE_FILE: 'sales/dt=2026-11-25/run=20261126T101500123Z-3f9a1c2e/part-00000.csv.gz', _FLOE_ROW: 1, _FLOE_RUN_ID: '20261126T101500123Z-3f9a1c2e' },
      { ID: 2, AMOUNT: '0.10', NOTE: '', _FLOE_FILE: 'sales/dt=2026-11-25/run=20261126T101500123Z-3f9a1c2e/part-00000.csv.gz', _FLOE_ROW: 2, _FLOE_RUN_ID: '20261126T101500123Z-3f9a1c2e' },
    ]);
    const s = await status();
    expect(s).toMatchObject({ executionState: 'RUNNING', pendingFileCount: 0, lastIngestedFilePath: 'sales/dt=2026-11-25/run=20261126T101500123Z-3f9a1c2e/part-00000.csv.gz', notificationChannelName: channel });
  });

  it('an append-only stream on the landing table sees the rows the pipe loaded', async () => {
    await h.sql('CREATE STREAM SALES_LANDING_STREAM ON TABLE SALES_LANDING APPEND_ONLY = TRUE');
    await h.put(part('2026-11-25', '20261126T103000000Z-0000000a'), csv('5,5.55,'));
    await h.sf.drainPipes();
    const pending = await h.sql('SELECT ID, AMOUNT::VARCHAR AS AMOUNT, METADATA$ACTION AS ACTION FROM SALES_LANDING_STREAM');
    expect(pending).toEqual([{ ID: 5, AMOUNT: '5.55', ACTION: 'INSERT' }]);
    await h.sql('DELETE FROM SALES_LANDING WHERE ID = 5', 'DROP STREAM SALES_LANDING_STREAM');
  });

  it('the same path again, even overwritten with new content, is skipped by the pipe', async () => {
    await h.put(part('2026-11-25', '20261126T101500123Z-3f9a1c2e'), csv('1,19.99,', '2,0.10,""', '3,5.00,late'));
    await h.sf.drainPipes();
    expect(await count()).toBe(2);
  });

  it('a file outside the notification prefix never reaches the pipe (until a REFRESH)', async () => {
    await notify('floe/sales/dt=2026-11-26/');
    await h.put(part('2026-11-25', '20261126T111500000Z-00000001'), csv('10,1.00,'));
    await h.sf.drainPipes();
    expect(await count()).toBe(2);
    // The manifest and files under other prefixes are not parts: the pattern keeps them out.
    await h.put('floe/sales/dt=2026-11-26/run=20261126T111500000Z-00000002/_manifest.json.csv.gz', 'x');
    await h.put(part('2026-11-26', '20261126T111500000Z-00000002'), csv('11,2.00,'));
    await h.sf.drainPipes();
    expect((await landing()).map((r) => r.ID)).toEqual([1, 2, 11]);
    const refreshed = await h.sql('ALTER PIPE FLOE_SALES_PIPE REFRESH');
    expect(refreshed).toEqual([{ File: 'sales/dt=2026-11-25/run=20261126T111500000Z-00000001/part-00000.csv.gz', Status: 'SENT' }]);
    await h.sf.drainPipes();
    expect((await landing()).map((r) => r.ID)).toEqual([1, 2, 10, 11]);
  });

  it('an event sent to another queue is not delivered', async () => {
    await notify('floe/sales/', 'arn:aws:sqs:us-east-1:000000000000:someone-else');
    await h.put(part('2026-11-27', '20261127T000000000Z-00000003'), csv('20,1.00,'));
    await h.sf.drainPipes();
    expect(await count()).toBe(4);
    await notify('floe/sales/');
  });

  it('a bad row makes the pipe skip the whole file (SKIP_FILE, Snowpipe\'s default)', async () => {
    await h.put(part('2026-11-27', '20261127T010000000Z-00000004'), csv('30,1.00,', '31,abc,'));
    await h.put(part('2026-11-27', '20261127T020000000Z-00000005'), csv('32,2.00,'));
    await h.sf.drainPipes();
    const ids = (await landing()).map((r) => r.ID);
    expect(ids).not.toContain(30);
    expect(ids).toContain(32);
    expect(String((await status()).error)).toContain("Numeric value 'abc' is not recognized");
    const failed = await h.sql(
      "SELECT FILE_NAME, STATUS, ROW_PARSED, ROW_COUNT, ERROR_COUNT, FIRST_ERROR_MESSAGE, PIPE_NAME FROM TABLE(INFORMATION_SCHEMA.COPY_HISTORY(TABLE_NAME => 'SALES_LANDING', START_TIME => DATEADD(HOURS, -1, CURRENT_TIMESTAMP()))) WHERE STATUS <> 'Loaded'",
    );
    expect(failed).toEqual([
      {
        FILE_NAME: 'sales/dt=2026-11-27/run=20261127T010000000Z-00000004/part-00000.csv.gz',
        STATUS: 'Load failed',
        ROW_PARSED: 2,
        ROW_COUNT: 0,
        ERROR_COUNT: 1,
        FIRST_ERROR_MESSAGE: "Numeric value 'abc' is not recognized",
        PIPE_NAME: 'FLOE_SALES_PIPE',
      },
    ]);
  });

  it('a paused pipe keeps files pending and loads them when resumed', async () => {
    await h.sql('ALTER PIPE FLOE_SALES_PIPE SET PIPE_EXECUTION_PAUSED = TRUE');
    await h.put(part('2026-11-27', '20261127T030000000Z-00000006'), csv('40,4.00,'));
    await h.sf.drainPipes();
    expect(await status()).toMatchObject({ executionState: 'PAUSED', pendingFileCount: 1 });
    expect((await landing()).map((r) => r.ID)).not.toContain(40);
    await h.sql('ALTER PIPE FLOE_SALES_PIPE SET PIPE_EXECUTION_PAUSED = FALSE');
    await h.sf.drainPipes();
    expect((await landing()).map((r) => r.ID)).toContain(40);
    expect(await status()).toMatchObject({ executionState: 'RUNNING', pendingFileCount: 0 });
  });

  it('CREATE OR REPLACE PIPE drops its load history: a REFRESH loads everything again (duplicates, as Snowflake)', async () => {
    const before = await count();
    await h.sql(`CREATE OR REPLACE PIPE FLOE_SALES_PIPE AUTO_INGEST = TRUE AS ${PIPE_COPY}`);
    const sent = await h.sql('ALTER PIPE FLOE_SALES_PIPE REFRESH');
    // Eight parts were staged under sales/ (the manifest-like object does not match PATTERN).
    expect(sent.length).toBe(8);
    expect(sent.every((r) => r.Status === 'SENT')).toBe(true);
    await h.sf.drainPipes();
    const rows = await landing();
    expect(rows.length).toBeGreaterThan(before);
    expect(rows.filter((r) => r.ID === 1)).toHaveLength(2);
    // The re-delivered first file is the overwritten one: its third row now arrives too.
    expect(rows.filter((r) => r.ID === 3)).toHaveLength(1);
  });

  it('REFRESH only considers files staged in the last 7 days', async () => {
    await h.sql(`CREATE OR REPLACE PIPE FLOE_SALES_PIPE AUTO_INGEST = TRUE AS ${PIPE_COPY}`);
    const one = await h.sql("ALTER PIPE FLOE_SALES_PIPE REFRESH PREFIX = 'dt=2026-11-26/'");
    expect(one).toEqual([{ File: 'sales/dt=2026-11-26/run=20261126T111500000Z-00000002/part-00000.csv.gz', Status: 'SENT' }]);
    await h.sf.drainPipes();
    // SYSTEM$PIPE_STATUS also works inside a larger query (the engine asks the extension to rewrite it).
    const inQuery = await h.sql("SELECT PARSE_JSON(SYSTEM$PIPE_STATUS('floe_sales_pipe')):lastIngestedFilePath::VARCHAR AS P, 1 AS ONE");
    expect(inQuery).toEqual([{ P: 'sales/dt=2026-11-26/run=20261126T111500000Z-00000002/part-00000.csv.gz', ONE: 1 }]);
    clock.advance(8 * 86_400_000);
    expect(await h.sql('ALTER PIPE FLOE_SALES_PIPE REFRESH')).toEqual([]);
  });

  it('rejects the COPY options a pipe forbids', async () => {
    const abort = await failure(h.sql(`CREATE PIPE P_ABORT AS ${PIPE_COPY} ON_ERROR = ABORT_STATEMENT`));
    expect(abort.message).toContain('ABORT_STATEMENT');
    for (const option of ["FILES = ('a.csv.gz')", 'PURGE = TRUE', 'SIZE_LIMIT = 10', 'RETURN_FAILED_ONLY = TRUE', "VALIDATION_MODE = 'RETURN_ERRORS'"]) {
      const e = await failure(h.sql(`CREATE PIPE P_BAD AS ${PIPE_COPY} ${option}`));
      expect(e.message).toContain(option.split(' ')[0]);
    }
    expect((await h.sql('SHOW PIPES')).map((p) => p.name)).toEqual(['FLOE_SALES_PIPE']);
  });

  it('the HTTP control routes wire bucket notifications and S3 events from another process', async () => {
    await h.sql(`CREATE OR REPLACE PIPE FLOE_SALES_PIPE AUTO_INGEST = TRUE AS ${PIPE_COPY}`);
    const before = await count();
    unsubscribe();
    const config = { QueueConfigurations: [{ Id: 'x', QueueArn: channel, Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'floe/sales/dt=2026-12-01/' }] } } }] };
    const put = await fetch(`${h.sf.accessUrl}/_local/bucket-notifications/${BUCKET}`, { method: 'PUT', body: JSON.stringify(config), headers: { 'content-type': 'application/json' } });
    expect(put.status).toBe(200);
    const key = part('2026-12-01', '20261201T000000000Z-00000007');
    await h.put(key, csv('50,5.00,x y'));
    const records = { Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: BUCKET }, object: { key: encodeURIComponent(key).replace(/%2F/g, '/') } } }] };
    const post = await fetch(`${h.sf.accessUrl}/_local/s3-events`, { method: 'POST', body: JSON.stringify(records), headers: { 'content-type': 'application/json' } });
    expect(post.status).toBe(200);
    await h.sf.drainPipes();
    expect(await count()).toBe(before + 1);
    expect((await landing()).find((r) => r.ID === 50)?.NOTE).toBe('x y');
  });
});
