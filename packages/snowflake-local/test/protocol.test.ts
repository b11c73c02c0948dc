import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'snowflake-sdk';
import { startSnowflakeLocal, type SnowflakeLocal } from '../src/index.js';
import { connect, destroy, exec, failure, rows } from './protocol-sdk.js';

describe('protocol: the real snowflake-sdk against the local endpoint', () => {
  let sf: SnowflakeLocal;
  let conn: Connection;

  beforeAll(async () => {
    sf = await startSnowflakeLocal({ users: [{ name: 'floe', password: 'pw' }] });
    conn = await connect({ accessUrl: sf.accessUrl, username: 'floe', password: 'pw', database: 'TESTDB', schema: 'PUBLIC', warehouse: 'WH' });
  });
  afterAll(async () => {
    if (conn) await destroy(conn);
    await sf?.stop();
  });

  it('runs a query and folds unquoted names to upper case', async () => {
    const r = await rows(conn, 'select 1 as x, \'a\' as "lower"');
    expect(r).toEqual([{ X: 1, lower: 'a' }]);
  });

  it('creates, inserts, and reads back with DML counts', async () => {
    await exec(conn, 'create table orders (id int, amount number(12,2), note string)');
    const ins = await exec(conn, "insert into orders values (1, 10.50, 'a'), (2, 0.01, null)");
    expect(ins.stmt.getNumUpdatedRows()).toBe(2);
    const r = await rows(conn, 'select id, amount, note from orders order by id', { fetchAsString: ['Number'] });
    expect(r).toEqual([{ ID: '1', AMOUNT: '10.50', NOTE: 'a' }, { ID: '2', AMOUNT: '0.01', NOTE: null }]);
  });
});

describe('protocol: binds, multi-statement, async and in-progress polling', () => {
  let sf: SnowflakeLocal;
  let conn: Connection;

  beforeAll(async () => {
    sf = await startSnowflakeLocal({ users: [{ name: 'floe', password: 'pw' }], database: 'PROTO' });
    conn = await connect({ accessUrl: sf.accessUrl, username: 'floe', password: 'pw', database: 'PROTO', schema: 'PUBLIC' });
    await exec(conn, 'create table items (id int, label string, price number(10,2), ok boolean)');
  });
  afterAll(async () => {
    if (conn) await destroy(conn);
    await sf?.stop();
  });

  it('binds positional ? and :N parameters of every driver type', async () => {
    await exec(conn, 'insert into items (id, label, price, ok) values (?, ?, ?, ?)', { binds: [1, 'one', '19.99', true] });
    await exec(conn, 'insert into items (id, label, price, ok) values (:1, :2, :3, :4)', { binds: [2, "it's", 0.5, false] });
    await exec(conn, 'insert into items (id, label, price, ok) values (:1, :2, :3, :4)', { binds: [3, null, null, null] });
    const r = await rows(conn, 'select id, label, price, ok from items where id <= :1 order by id', { binds: [3], fetchAsString: ['Number'] });
    expect(r).toEqual([
      { ID: '1', LABEL: 'one', PRICE: '19.99', OK: true },
      { ID: '2', LABEL: "it's", PRICE: '0.50', OK: false },
      { ID: '3', LABEL: null, PRICE: null, OK: null },
    ]);
    // A bind used twice by position.
    expect(await rows(conn, 'select :1 + :1 as twice, :2 as s', { binds: [21, 'x'] })).toEqual([{ TWICE: 42, S: 'x' }]);
  });

  it('binds arrays: one execution per row, counts summed', async () => {
    const res = await exec(conn, 'insert into items (id, label, price, ok) values (?, ?, ?, ?)', {
      binds: [
        [10, 'ten', '10.10', true],
        [11, 'eleven', '11.11', false],
        [12, 'twelve', null, true],
      ],
    });
    expect(res.stmt.getNumUpdatedRows()).toBe(3);
    const r = await rows(conn, 'select id, label, price from items where id >= 10 order by id', { fetchAsString: ['Number'] });
    expect(r).toEqual([
      { ID: '10', LABEL: 'ten', PRICE: '10.10' },
      { ID: '11', LABEL: 'eleven', PRICE: '11.11' },
      { ID: '12', LABEL: 'twelve', PRICE: null },
    ]);
  });

  it('an array-bound insert is one statement: a bad row leaves nothing inserted', async () => {
    const err = await failure(exec(conn, 'insert into items (id, label, price, ok) values (?, ?, ?, ?)', {
      binds: [
        [20, 'good', '1.00', true],
        [21, 'bad', 'not a number', true],
      ],
    }));
    expect(err.code).toBe('100038');
    expect(await rows(conn, 'select count(*) as n from items where id in (20, 21)')).toEqual([{ N: 0 }]);
  });

  it('runs multi-statement text with MULTI_STATEMENT_COUNT and walks the children', async () => {
    const results: unknown[][] = [];
    await new Promise<void>((resolve, reject) => {
      conn.execute({
        sqlText: 'create table multi (v int); insert into multi values (1), (2); select sum(v) as s from multi',
        parameters: { MULTI_STATEMENT_COUNT: 3 },
        complete: (err, stmt, rs) => {
          if (err) return reject(err);
          results.push(rs ?? []);
          // hasNext/NextResult exist at run time on multi-statement results but not in the driver's types.
          const multi = stmt as unknown as { hasNext?: () => boolean; NextResult: () => void };
          if (multi.hasNext?.()) multi.NextResult();
          else resolve();
        },
      });
    });
    expect(results).toEqual([[{ status: 'Table MULTI successfully created.' }], [{ 'number of rows inserted': 2 }], [{ S: 3 }]]);
  });

  it('splits multi-statement text on top-level semicolons only (literals, comments, CASE, task bodies)', async () => {
    const script = `create table split_t (v string); -- a comment; with a semicolon
      insert into split_t select case when 1 = 1 then 'a;b' else 'c' end; /* ; */
      create or replace task split_task schedule = '5 MINUTE' as
      begin
        begin transaction;
        insert into split_t select case when true then 'task;row' end;
        commit;
      end;
      select v from split_t`;
    const results: unknown[][] = [];
    await new Promise<void>((resolve, reject) => {
      conn.execute({
        sqlText: script,
        parameters: { MULTI_STATEMENT_COUNT: 4 },
        complete: (err, stmt, rs) => {
          if (err) return reject(err);
          results.push(rs ?? []);
          const multi = stmt as unknown as { hasNext?: () => boolean; NextResult: () => void };
          if (multi.hasNext?.()) multi.NextResult();
          else resolve();
        },
      });
    });
    expect(results).toHaveLength(4);
    expect(results[3]).toEqual([{ V: 'a;b' }]);
  });

  it('rejects a statement count mismatch with 000008', async () => {
    const err = await failure(exec(conn, 'select 1; select 2'));
    expect([err.code, err.sqlState]).toEqual(['000008', '0A000']);
    expect(err.message).toBe('Actual statement count 2 did not match the desired statement count 1.');
    const err2 = await failure(exec(conn, 'select 1; select 2', { parameters: { MULTI_STATEMENT_COUNT: 3 } }));
    expect(err2.code).toBe('000008');
  });

  it('runs asynchronously: 333334, then status by monitoring and results by query id', async () => {
    const queryId = await new Promise<string>((resolve, reject) => {
      conn.execute({ sqlText: 'select count(*) as n from items', asyncExec: true, complete: (err: Error | undefined, stmt: { getQueryId(): string }) => (err ? reject(err) : resolve(stmt.getQueryId())) } as never);
    });
    expect(queryId).toMatch(/^[0-9a-f-]{36}$/);
    const stmt = await conn.getResultsFromQueryId({ queryId, sqlText: '' } as never);
    const got = await new Promise<unknown[]>((resolve, reject) => {
      const out: unknown[] = [];
      stmt.streamRows().on('data', (r: unknown) => out.push(r)).on('end', () => resolve(out)).on('error', reject);
    });
    expect(got).toEqual([{ N: 6 }]);
    expect(await conn.getQueryStatus(queryId)).toBe('SUCCESS');
  });

  it('reports a failed async query as FAILED_WITH_ERROR and raises its error on fetch', async () => {
    const queryId = await new Promise<string>((resolve, reject) => {
      conn.execute({ sqlText: 'select * from no_such_table', asyncExec: true, complete: (err: Error | undefined, stmt: { getQueryId(): string }) => (err ? reject(err) : resolve(stmt.getQueryId())) } as never);
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(await conn.getQueryStatus(queryId)).toBe('FAILED_WITH_ERROR');
    // The driver raises from the monitoring answer: the query's error message, not its code.
    const err = await failure(conn.getResultsFromQueryId({ queryId, sqlText: '' } as never));
    expect(err.message).toContain("Object 'NO_SUCH_TABLE' does not exist or not authorized.");
  });
});

describe('protocol: slow queries take the 333333 in-progress path', () => {
  let sf: SnowflakeLocal;
  let conn: Connection;
  beforeAll(async () => {
    sf = await startSnowflakeLocal({ users: [{ name: 'floe', password: 'pw' }], slowMs: 1200 });
    conn = await connect({ accessUrl: sf.accessUrl, username: 'floe', password: 'pw', database: 'SLOW' });
  });
  afterAll(async () => {
    if (conn) await destroy(conn);
    await sf?.stop();
  });

  it('the driver polls the result URL and gets the rows', async () => {
    const seen: string[] = [];
    const res = await fetch(`${sf.accessUrl}/session/v1/login-request`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: { LOGIN_NAME: 'floe', PASSWORD: 'pw' } }) });
    const token = ((await res.json()) as { data: { token: string } }).data.token;
    const first = (await (await fetch(`${sf.accessUrl}/queries/v1/query-request`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Snowflake Token="${token}"` }, body: JSON.stringify({ sqlText: 'select 7 as seven' }) })).json()) as { code: string; data: { getResultUrl: string } };
    seen.push(first.code);
    expect(first.code).toBe('333333');
    expect(await rows(conn, 'select 7 as seven')).toEqual([{ SEVEN: 7 }]);
    expect(seen).toEqual(['333333']);
  });

  it('monitoring reports RUNNING while an async query works, then SUCCESS with its rows', async () => {
    const queryId = await new Promise<string>((resolve, reject) => {
      conn.execute({ sqlText: 'select 40 + 2 as answer', asyncExec: true, complete: (err: Error | undefined, stmt: { getQueryId(): string }) => (err ? reject(err) : resolve(stmt.getQueryId())) } as never);
    });
    expect(await conn.getQueryStatus(queryId)).toBe('RUNNING');
    const stmt = await conn.getResultsFromQueryId({ queryId, sqlText: '' } as never);
    const got = await new Promise<unknown[]>((resolve, reject) => {
      const out: unknown[] = [];
      stmt.streamRows().on('data', (r: unknown) => out.push(r)).on('end', () => resolve(out)).on('error', reject);
    });
    expect(got).toEqual([{ ANSWER: 42 }]);
    expect(await conn.getQueryStatus(queryId)).toBe('SUCCESS');
  });
});
