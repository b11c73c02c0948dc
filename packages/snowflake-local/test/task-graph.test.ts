import type { Connection } from 'snowflake-sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock, startSnowflakeLocal } from '../src/index.js';
import { connect, destroy, failure } from './protocol-sdk.js';
import { query, run, startHarness, type Harness } from './stream-harness.js';

const RUN_1 = '20261126T020000000Z-aaaaaaaa';

/** The floe task body shape: one transaction merging the stream into the target, then a second table. */
function body(target: string, stream: string, audit: string): string {
  return `BEGIN
    BEGIN TRANSACTION;
    MERGE INTO ${target} t USING (
      SELECT K, AMOUNT, _FLOE_RUN_ID FROM ${stream}
      QUALIFY ROW_NUMBER() OVER (PARTITION BY K ORDER BY _FLOE_RUN_ID DESC, _FLOE_ROW DESC) = 1
    ) s ON t.K = s.K
    WHEN MATCHED AND s._FLOE_RUN_ID >= t._FLOE_RUN_ID THEN UPDATE SET AMOUNT = s.AMOUNT, _FLOE_RUN_ID = s._FLOE_RUN_ID
    WHEN NOT MATCHED THEN INSERT (K, AMOUNT, _FLOE_RUN_ID) VALUES (s.K, s.AMOUNT, s._FLOE_RUN_ID);
    INSERT INTO ${audit} SELECT COUNT(*) FROM ${target};
    COMMIT;
  END`;
}

async function tables(conn: Connection, suffix: string): Promise<void> {
  await run(
    conn,
    `CREATE TABLE LAND_${suffix} (K NUMBER(10,0), AMOUNT NUMBER(12,2), _FLOE_RUN_ID VARCHAR, _FLOE_ROW NUMBER(19,0))`,
    `CREATE TABLE TGT_${suffix} (K NUMBER(10,0), AMOUNT NUMBER(12,2), _FLOE_RUN_ID VARCHAR)`,
    `CREATE TABLE AUDIT_${suffix} (N NUMBER(19,0))`,
    `CREATE TABLE CHILD_${suffix} (N NUMBER(19,0))`,
    `CREATE STREAM STREAM_${suffix} ON TABLE LAND_${suffix} APPEND_ONLY = TRUE`,
  );
}

describe('tasks fired by the timer', () => {
  it('runs a due task without anyone calling runDueTasks', async () => {
    const clock = new ManualClock(new Date('2026-11-26T09:00:00Z'));
    const sf = await startSnowflakeLocal({ clock, database: 'FLOE', autoRunTasks: true, users: [{ name: 'floe', password: 'pw' }] });
    const conn = await connect({ accessUrl: sf.accessUrl, account: sf.account, username: 'floe', password: 'pw', database: 'FLOE', schema: 'PUBLIC' });
    try {
      await run(conn, 'CREATE TABLE TICKS (N NUMBER(10,0))', "CREATE TASK TICK SCHEDULE = '1 MINUTE' AS INSERT INTO TICKS VALUES (1)", 'ALTER TASK TICK RESUME');
      clock.advance(60_000);
      await vi.waitFor(async () => expect(await query(conn, 'SELECT COUNT(*) AS N FROM TICKS')).toEqual([{ N: '1' }]), { timeout: 10_000, interval: 200 });
    } finally {
      await destroy(conn);
      await sf.stop();
    }
  });
});

describe('tasks through the real snowflake-sdk', () => {
  let h: Harness;
  let conn: Connection;

  beforeAll(async () => {
    // 01:00 in Los Angeles (PST, UTC-8).
    h = await startHarness(new Date('2026-11-26T09:00:00Z'));
    conn = await h.open();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('fires a root with a CRON schedule in a non-UTC zone at the right instant, then its AFTER child', async () => {
    await tables(conn, 'A');
    await run(
      conn,
      `CREATE TASK ROOT_A WAREHOUSE = WH SCHEDULE = 'USING CRON 0 2 * * * America/Los_Angeles'
         WHEN SYSTEM$STREAM_HAS_DATA('STREAM_A') AS ${body('TGT_A', 'STREAM_A', 'AUDIT_A')}`,
      `CREATE TASK CHILD_A WAREHOUSE = WH AFTER ROOT_A AS INSERT INTO CHILD_A SELECT COUNT(*) FROM TGT_A`,
    );
    const created = await query(conn, "SHOW TASKS LIKE '%_A'");
    expect(created.map((t) => [t.name, t.state]).sort()).toEqual([
      ['CHILD_A', 'suspended'],
      ['ROOT_A', 'suspended'],
    ]);
    await run(conn, 'ALTER TASK CHILD_A RESUME', 'ALTER TASK ROOT_A RESUME');
    await run(conn, `INSERT INTO LAND_A VALUES (1, 10.10, '${RUN_1}', 1), (2, 20.20, '${RUN_1}', 2), (1, 11.11, '${RUN_1}', 3)`);

    const shown = await query(conn, "SHOW TASKS LIKE 'ROOT_A'");
    expect(shown[0]).toMatchObject({ name: 'ROOT_A', state: 'started', schedule: 'USING CRON 0 2 * * * America/Los_Angeles', condition: "SYSTEM$STREAM_HAS_DATA('STREAM_A')" });
    expect(String(shown[0]!.definition)).toMatch(/^BEGIN\s+BEGIN TRANSACTION;/);
    const child = await query(conn, "SHOW TASKS LIKE 'CHILD_A'");
    expect(JSON.parse(String(child[0]!.predecessors))).toEqual(['FLOE.PUBLIC.ROOT_A']);

    // 01:59:59 PST: not yet.
    h.clock.set(new Date('2026-11-26T09:59:59Z'));
    expect(await h.sf.runDueTasks()).toEqual([]);
    expect(await query(conn, 'SELECT COUNT(*) AS N FROM TGT_A')).toEqual([{ N: '0' }]);
    // 02:00 PST = 10:00 UTC.
    h.clock.set(new Date('2026-11-26T10:00:30Z'));
    const runs = await h.sf.runDueTasks();
    expect(runs.map((r) => [r.name, r.state, r.scheduledTime.toISOString()])).toEqual([
      ['FLOE.PUBLIC.ROOT_A', 'SUCCEEDED', '2026-11-26T10:00:00.000Z'],
      ['FLOE.PUBLIC.CHILD_A', 'SUCCEEDED', '2026-11-26T10:00:00.000Z'],
    ]);
    expect(await query(conn, 'SELECT K, AMOUNT FROM TGT_A ORDER BY K')).toEqual([
      { K: '1', AMOUNT: '11.11' },
      { K: '2', AMOUNT: '20.20' },
    ]);
    expect(await query(conn, 'SELECT N FROM AUDIT_A')).toEqual([{ N: '2' }]);
    expect(await query(conn, 'SELECT N FROM CHILD_A')).toEqual([{ N: '2' }]);
    expect(await query(conn, 'SELECT COUNT(*) AS N FROM STREAM_A')).toEqual([{ N: '0' }]);
    // Nothing more is due until 02:00 PST the next day.
    expect(await h.sf.runDueTasks()).toEqual([]);
    const next = await query(conn, "SHOW TASKS LIKE 'ROOT_A'");
    expect(next[0]!.next_scheduled_time).toBeDefined();

    // The next day with an empty stream: the root is SKIPPED and the child does not run.
    h.clock.set(new Date('2026-11-27T10:00:00Z'));
    const skipped = await h.sf.runDueTasks();
    expect(skipped.map((r) => [r.name, r.state])).toEqual([['FLOE.PUBLIC.ROOT_A', 'SKIPPED']]);
    const history = await query(
      conn,
      "SELECT NAME, STATE, ERROR_MESSAGE FROM TABLE(INFORMATION_SCHEMA.TASK_HISTORY(TASK_NAME => 'ROOT_A')) ORDER BY SCHEDULED_TIME",
    );
    expect(history).toEqual([
      { NAME: 'ROOT_A', STATE: 'SUCCEEDED', ERROR_MESSAGE: null },
      { NAME: 'ROOT_A', STATE: 'SKIPPED', ERROR_MESSAGE: null },
    ]);
    await run(conn, 'ALTER TASK ROOT_A SUSPEND');
  });

  it('records a failing body as FAILED with its error, rolling its transaction back and keeping the stream', async () => {
    await tables(conn, 'B');
    await run(
      conn,
      `CREATE TASK ROOT_B SCHEDULE = '5 MINUTE' AS BEGIN
         BEGIN TRANSACTION;
         INSERT INTO TGT_B SELECT K, AMOUNT, _FLOE_RUN_ID FROM STREAM_B;
         INSERT INTO NO_SUCH_TABLE VALUES (1);
         COMMIT;
       END`,
      `INSERT INTO LAND_B VALUES (7, 70.07, '${RUN_1}', 1)`,
    );
    await run(conn, 'EXECUTE TASK ROOT_B');
    const history = await query(conn, "SELECT NAME, STATE, ERROR_MESSAGE FROM TABLE(INFORMATION_SCHEMA.TASK_HISTORY(TASK_NAME => 'ROOT_B'))");
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ NAME: 'ROOT_B', STATE: 'FAILED' });
    expect(String(history[0]!.ERROR_MESSAGE)).toMatch(/NO_SUCH_TABLE/);
    expect(await query(conn, 'SELECT COUNT(*) AS N FROM TGT_B')).toEqual([{ N: '0' }]);
    expect(await query(conn, 'SELECT K, AMOUNT FROM STREAM_B')).toEqual([{ K: '7', AMOUNT: '70.07' }]);

    // Fixed body: the same rows now arrive, once.
    await run(conn, 'CREATE OR REPLACE TASK ROOT_B SCHEDULE = \'5 MINUTE\' AS INSERT INTO TGT_B SELECT K, AMOUNT, _FLOE_RUN_ID FROM STREAM_B');
    await run(conn, 'ALTER TASK ROOT_B RESUME');
    h.clock.advance(5 * 60_000);
    expect((await h.sf.runDueTasks()).map((r) => [r.name, r.state])).toEqual([['FLOE.PUBLIC.ROOT_B', 'SUCCEEDED']]);
    h.clock.advance(5 * 60_000);
    await h.sf.runDueTasks();
    expect(await query(conn, 'SELECT K, AMOUNT FROM TGT_B')).toEqual([{ K: '7', AMOUNT: '70.07' }]);
    await run(conn, 'ALTER TASK ROOT_B SUSPEND');
  });

  it('retries a failing root, and suspends it after the configured number of failed runs', async () => {
    await run(
      conn,
      `CREATE TASK FLAKY_D SCHEDULE = '1 MINUTE' TASK_AUTO_RETRY_ATTEMPTS = 1 SUSPEND_TASK_AFTER_NUM_FAILURES = 2 AS INSERT INTO NO_SUCH_TABLE_D VALUES (1)`,
      'ALTER TASK FLAKY_D RESUME',
    );
    h.clock.advance(60_000);
    expect((await h.sf.runDueTasks()).map((r) => [r.name, r.state, r.attemptNumber])).toEqual([
      ['FLOE.PUBLIC.FLAKY_D', 'FAILED', 1],
      ['FLOE.PUBLIC.FLAKY_D', 'FAILED', 2],
    ]);
    expect((await query(conn, "SHOW TASKS LIKE 'FLAKY_D'"))[0]).toMatchObject({ state: 'started' });
    h.clock.advance(60_000);
    await h.sf.runDueTasks();
    expect((await query(conn, "SHOW TASKS LIKE 'FLAKY_D'"))[0]).toMatchObject({ state: 'suspended' });
    h.clock.advance(60_000);
    expect(await h.sf.runDueTasks()).toEqual([]);
    const failed = await query(conn, "SELECT NAME, ATTEMPT_NUMBER FROM TABLE(INFORMATION_SCHEMA.TASK_HISTORY(TASK_NAME => 'FLAKY_D', ERROR_ONLY => TRUE, RESULT_LIMIT => 3))");
    expect(failed).toHaveLength(3);
    expect(failed.every((r) => r.NAME === 'FLAKY_D')).toBe(true);
  });

  it('enforces the graph rules: children resumed before the root, changes only while the root is suspended', async () => {
    await tables(conn, 'C');
    await run(
      conn,
      `CREATE TASK ROOT_C SCHEDULE = 'USING CRON */10 * * * * Europe/Paris' AS INSERT INTO AUDIT_C VALUES (1)`,
      'CREATE TASK CHILD_C AFTER ROOT_C AS INSERT INTO CHILD_C VALUES (1)',
      'CREATE TASK GRANDCHILD_C AFTER CHILD_C AS INSERT INTO CHILD_C VALUES (2)',
      'ALTER TASK ROOT_C RESUME',
    );
    const resumeChild = await failure(query(conn, 'ALTER TASK CHILD_C RESUME'));
    expect(resumeChild.message).toMatch(/Unable to update graph with root task FLOE\.PUBLIC\.ROOT_C since that root task is not suspended/);
    expect((await failure(query(conn, 'CREATE OR REPLACE TASK CHILD_C AFTER ROOT_C AS SELECT 1'))).message).toMatch(/root task is not suspended/);
    expect((await failure(query(conn, "CREATE TASK OTHER_C AFTER ROOT_C SCHEDULE = '1 MINUTE' AS SELECT 1"))).message).toMatch(/root task is not suspended|only the root/);
    expect((await failure(query(conn, 'EXECUTE TASK CHILD_C'))).message).toMatch(/root task/);

    await run(conn, 'ALTER TASK ROOT_C SUSPEND');
    expect((await query(conn, "SELECT SYSTEM$TASK_DEPENDENTS_ENABLE('ROOT_C') AS R")).length).toBe(1);
    const states = await query(conn, "SHOW TASKS LIKE '%_C'");
    expect(states.map((t) => [t.name, t.state]).sort()).toEqual([
      ['CHILD_C', 'started'],
      ['GRANDCHILD_C', 'started'],
      ['ROOT_C', 'started'],
    ]);
    // 09:00Z is 10:00 in Paris: the next */10 slot is 10:10 local = 09:10Z after the clock's current time.
    h.clock.set(new Date('2026-11-28T09:05:00Z'));
    await run(conn, 'ALTER TASK ROOT_C SUSPEND', 'ALTER TASK ROOT_C RESUME');
    h.clock.set(new Date('2026-11-28T09:10:00Z'));
    const runs = await h.sf.runDueTasks();
    expect(runs.map((r) => [r.name, r.state])).toEqual([
      ['FLOE.PUBLIC.ROOT_C', 'SUCCEEDED'],
      ['FLOE.PUBLIC.CHILD_C', 'SUCCEEDED'],
      ['FLOE.PUBLIC.GRANDCHILD_C', 'SUCCEEDED'],
    ]);
    expect(await query(conn, 'SELECT N FROM CHILD_C ORDER BY N')).toEqual([{ N: '1' }, { N: '2' }]);

    // EXECUTE TASK runs a suspended root's graph now.
    await run(conn, 'ALTER TASK ROOT_C SUSPEND', 'EXECUTE TASK ROOT_C');
    expect(await query(conn, 'SELECT COUNT(*) AS N FROM AUDIT_C')).toEqual([{ N: '2' }]);
    await run(conn, 'DROP TASK GRANDCHILD_C');
    expect((await query(conn, "SHOW TASKS LIKE 'GRANDCHILD_C'")).length).toBe(0);
    expect((await failure(query(conn, 'DESC TASK GRANDCHILD_C'))).message).toMatch(/does not exist/);
  });
});
