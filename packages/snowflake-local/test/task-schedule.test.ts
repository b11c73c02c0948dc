import { describe, expect, it } from 'vitest';
import { parseSchedule } from '../src/changes/task-schedule.js';
import { bodyStatements, taskBody } from '../src/changes/task-runner.js';

describe('task schedules', () => {
  it('reads a CRON expression in its time zone, across a daylight-saving change', () => {
    const daily = parseSchedule('USING CRON 0 2 * * * America/Los_Angeles');
    const anchor = new Date('2026-01-01T00:00:00Z');
    // Winter: 02:00 PST is 10:00 UTC; summer: 02:00 PDT is 09:00 UTC.
    expect(daily.next(new Date('2026-11-26T09:00:00Z'), anchor).toISOString()).toBe('2026-11-26T10:00:00.000Z');
    expect(daily.next(new Date('2026-11-26T10:00:00Z'), anchor).toISOString()).toBe('2026-11-27T10:00:00.000Z');
    expect(daily.next(new Date('2026-07-01T12:00:00Z'), anchor).toISOString()).toBe('2026-07-02T09:00:00.000Z');
    const weekdays = parseSchedule('USING CRON 30 6 * * MON-FRI Europe/Berlin');
    // 2026-11-28 is a Saturday: the next run is Monday 06:30 CET = 05:30 UTC.
    expect(weekdays.next(new Date('2026-11-27T06:00:00Z'), anchor).toISOString()).toBe('2026-11-30T05:30:00.000Z');
  });

  it('counts interval schedules from the moment the task was resumed', () => {
    const every5 = parseSchedule('5 MINUTE');
    const resumed = new Date('2026-11-26T09:00:10Z');
    expect(every5.next(resumed, resumed).toISOString()).toBe('2026-11-26T09:05:10.000Z');
    expect(every5.next(new Date('2026-11-26T09:17:00Z'), resumed).toISOString()).toBe('2026-11-26T09:20:10.000Z');
  });

  it('refuses schedules Snowflake refuses', () => {
    expect(() => parseSchedule('USING CRON 0 2 * * * Mars/Olympus')).toThrow(/time zone/);
    expect(() => parseSchedule('USING CRON 0 2 * * *')).toThrow(/five fields and a time zone/);
    expect(() => parseSchedule('0 MINUTE')).toThrow(/SCHEDULE/);
    expect(() => parseSchedule('every day')).toThrow(/SCHEDULE/);
  });
});

describe('task bodies', () => {
  it('splits a BEGIN ... END block into its statements, keeping BEGIN TRANSACTION as one', () => {
    expect(bodyStatements("BEGIN\n BEGIN TRANSACTION;\n MERGE INTO T USING S ON T.K = S.K WHEN NOT MATCHED THEN INSERT (K) VALUES (S.K);\n INSERT INTO A VALUES ('a;b');\n COMMIT;\nEND;")).toEqual([
      'BEGIN TRANSACTION',
      'MERGE INTO T USING S ON T.K = S.K WHEN NOT MATCHED THEN INSERT (K) VALUES (S.K)',
      "INSERT INTO A VALUES ('a;b')",
      'COMMIT',
    ]);
    expect(bodyStatements('INSERT INTO A SELECT 1')).toEqual(['INSERT INTO A SELECT 1']);
  });
});

describe('task bodies with an exception handler', () => {
  it('separates the EXCEPTION WHEN OTHER THEN handler from the statements it guards', () => {
    const body = taskBody('BEGIN\n BEGIN TRANSACTION;\n INSERT INTO A VALUES (1);\n COMMIT;\nEXCEPTION WHEN OTHER THEN\n ROLLBACK;\n RAISE;\nEND;');
    expect(body.statements).toEqual(['BEGIN TRANSACTION', 'INSERT INTO A VALUES (1)', 'COMMIT']);
    expect(body.handler).toEqual(['ROLLBACK', 'RAISE']);
  });

  it('refuses a handler form it cannot run instead of running it as statements', () => {
    expect(() => taskBody('BEGIN INSERT INTO A VALUES (1); EXCEPTION WHEN my_error THEN RETURN 1; END')).toThrow(/EXCEPTION WHEN OTHER/);
  });
});
