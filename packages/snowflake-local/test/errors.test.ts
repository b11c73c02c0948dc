import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'snowflake-sdk';
import { startSnowflakeLocal, type SnowflakeLocal } from '../src/index.js';
import { connect, destroy, exec, failure, rows } from './protocol-sdk.js';

describe('errors: Snowflake codes and SQLSTATEs on the wire', () => {
  let sf: SnowflakeLocal;
  let conn: Connection;

  beforeAll(async () => {
    sf = await startSnowflakeLocal({ users: [{ name: 'floe', password: 'pw' }] });
    conn = await connect({ accessUrl: sf.accessUrl, username: 'floe', password: 'pw', database: 'ERRDB', schema: 'PUBLIC' });
    await exec(conn, 'create table t (id int primary key, amount number(5,2) not null, label string)');
    await exec(conn, "insert into t values (1, 1.00, 'a')");
  });
  afterAll(async () => {
    if (conn) await destroy(conn);
    await sf?.stop();
  });

  it('missing table → 002003 / 42S02 with the object name', async () => {
    const err = await failure(exec(conn, 'select * from nope'));
    expect([err.code, err.sqlState]).toEqual(['002003', '42S02']);
    expect(err.message).toBe("SQL compilation error:\nObject 'NOPE' does not exist or not authorized.");
  });

  it('syntax error → 001003 / 42000', async () => {
    const err = await failure(exec(conn, 'selec 1'));
    expect([err.code, err.sqlState]).toEqual(['001003', '42000']);
    expect(err.message).toMatch(/^SQL compilation error:\nsyntax error/);
    const unknown = await failure(exec(conn, 'frobnicate the database'));
    expect([unknown.code, unknown.message]).toEqual(['001003', "SQL compilation error:\nsyntax error line 1 at position 0 unexpected 'frobnicate'."]);
    const unterminated = await failure(exec(conn, "select 'oops"));
    expect(unterminated.code).toBe('001003');
  });

  it('missing column → 000904 invalid identifier', async () => {
    const err = await failure(exec(conn, 'select nosuch from t'));
    expect([err.code, err.sqlState]).toEqual(['000904', '42000']);
    expect(err.message).toContain("invalid identifier 'NOSUCH'");
  });

  it('constraint violations → 100072 / 22000', async () => {
    const dup = await failure(exec(conn, "insert into t values (1, 2.00, 'dup')"));
    expect([dup.code, dup.sqlState]).toEqual(['100072', '22000']);
    const nul = await failure(exec(conn, "insert into t values (2, null, 'x')"));
    expect([nul.code, nul.sqlState]).toEqual(['100072', '22000']);
    expect(await rows(conn, 'select count(*) as n from t')).toEqual([{ N: 1 }]);
  });

  it('conversion error → 100038 / 22018', async () => {
    const err = await failure(exec(conn, "insert into t values (3, 'abc', 'x')"));
    expect([err.code, err.sqlState]).toEqual(['100038', '22018']);
    const cast = await failure(exec(conn, "select 'x1'::number as n"));
    expect(cast.code).toBe('100038');
  });

  it('a statement the endpoint does not emulate fails loudly, naming it', async () => {
    const err = await failure(exec(conn, 'create external table ext (v int) location = @nowhere'));
    expect([err.code, err.sqlState]).toEqual(['000002', '0A000']);
    expect(err.message).toContain("Statement 'create external table ext");
    const undrop = await failure(exec(conn, 'undrop table t'));
    expect([undrop.code, undrop.message]).toEqual(['000002', "SQL compilation error:\nStatement 'undrop table t' is not supported by the local Snowflake endpoint."]);
  });

  it('a missing bind value is an error, not a NULL', async () => {
    const err = await failure(exec(conn, 'select ? as a, ? as b', { binds: [1] }));
    expect(err.code).toBe('002049');
  });

  it('USE of a database that does not exist → 002043', async () => {
    const err = await failure(exec(conn, 'use database nowhere'));
    expect(err.code).toBe('002043');
    expect(await rows(conn, 'select current_database() as d')).toEqual([{ D: 'ERRDB' }]);
  });

  it('an error carries the query id; the session keeps working afterwards', async () => {
    const err = (await failure(exec(conn, 'select * from nope'))) as { data?: { queryId?: string } };
    expect(err.data?.queryId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await rows(conn, 'select id from t')).toEqual([{ ID: 1 }]);
  });
});
