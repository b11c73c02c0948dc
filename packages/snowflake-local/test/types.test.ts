import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'snowflake-sdk';
import { startSnowflakeLocal, type SnowflakeLocal } from '../src/index.js';
import { connect, destroy, exec, rows } from './protocol-sdk.js';

describe('wire types round-trip exactly through snowflake-sdk', () => {
  let sf: SnowflakeLocal;
  let conn: Connection;

  beforeAll(async () => {
    sf = await startSnowflakeLocal({ users: [{ name: 'floe', password: 'pw' }] });
    conn = await connect({ accessUrl: sf.accessUrl, username: 'floe', password: 'pw', database: 'TYPES', schema: 'PUBLIC' });
    await exec(conn, "alter session set TIMESTAMP_NTZ_OUTPUT_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF9', TIMESTAMP_TZ_OUTPUT_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM', TIMESTAMP_LTZ_OUTPUT_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM', TIME_OUTPUT_FORMAT = 'HH24:MI:SS.FF9'");
  });
  afterAll(async () => {
    if (conn) await destroy(conn);
    await sf?.stop();
  });

  it('NUMBER(38,10) keeps its extremes digit for digit', async () => {
    await exec(conn, 'create table big (v number(38,10))');
    const values = ['9999999999999999999999999999.9999999999', '-9999999999999999999999999999.9999999999', '0.0000000001', '-0.0000000001', '0.0000000000', '1234567890123456789012345678.1234567891'];
    await exec(conn, `insert into big values ${values.map((v) => `(${v})`).join(', ')}`);
    const r = await rows<{ V: string }>(conn, 'select v from big', { fetchAsString: ['Number'] });
    expect(r.map((x) => x.V)).toEqual(values);
    const meta = await exec(conn, 'select v from big limit 1');
    const col = meta.stmt.getColumns()![0]!;
    expect([col.getType(), col.getPrecision(), col.getScale()]).toEqual(['fixed', 38, 10]);
  });

  it('sums NUMBER(12,2) money exactly (no float drift)', async () => {
    await exec(conn, 'create table money (amount number(12,2))');
    // 10 000 rows of 0.10 + 0.20: a float sum drifts; an exact one is 3000.00.
    await exec(conn, 'insert into money select 0.10 from range(10000)');
    await exec(conn, 'insert into money select 0.20 from range(10000)');
    const r = await rows<{ TOTAL: string }>(conn, 'select sum(amount) as total from money', { fetchAsString: ['Number'] });
    expect(r[0]!.TOTAL).toBe('3000.00');
    const big = await rows<{ T: string }>(conn, "select sum(amount) * 1000000 + 0.01 as t from money", { fetchAsString: ['Number'] });
    expect(big[0]!.T).toBe('3000000000.01');
  });

  it('dates before 1970 and after 2038', async () => {
    await exec(conn, 'create table d (v date)');
    await exec(conn, "insert into d values ('1900-03-04'), ('1969-12-31'), ('1970-01-01'), ('2099-12-31'), ('0001-01-01')");
    const r = await rows<{ V: string }>(conn, 'select v from d', { fetchAsString: ['Date'] });
    expect(r.map((x) => x.V)).toEqual(['1900-03-04', '1969-12-31', '1970-01-01', '2099-12-31', '0001-01-01']);
    const asDate = await rows<{ V: Date }>(conn, "select v from d where v = '1900-03-04'");
    expect(asDate[0]!.V.getTime()).toBe(Date.UTC(1900, 2, 4));
  });

  it('TIMESTAMP_NTZ keeps micro- and nanoseconds, before 1970 too', async () => {
    await exec(conn, 'create table ts (v timestamp_ntz)');
    const values = ['2024-01-02 03:04:05.123456000', '1960-01-01 01:02:03.123456789', '1969-12-31 23:59:59.999999999', '2026-11-26 10:15:00.000001000'];
    await exec(conn, `insert into ts values ${values.map((v) => `('${v}')`).join(', ')}`);
    const r = await rows<{ V: string }>(conn, 'select v from ts', { fetchAsString: ['Date'] });
    expect(r.map((x) => x.V)).toEqual(values);
  });

  it('TIMESTAMP_TZ keeps the instant; offsets render in the session TIMEZONE', async () => {
    await exec(conn, 'create table tz (v timestamp_tz)');
    await exec(conn, "insert into tz values ('2024-01-02 03:04:05.123456 +05:30'), ('1965-06-01 12:00:00 -08:00')");
    const asDates = await rows<{ V: Date }>(conn, 'select v from tz');
    expect(asDates.map((x) => x.V.toISOString())).toEqual(['2024-01-01T21:34:05.123Z', '1965-06-01T20:00:00.000Z']);
    const utc = await rows<{ V: string }>(conn, 'select v from tz', { fetchAsString: ['Date'] });
    expect(utc.map((x) => x.V)).toEqual(['2024-01-01 21:34:05.123456000 +00:00', '1965-06-01 20:00:00.000000000 +00:00']);
    await exec(conn, "alter session set TIMEZONE = 'Asia/Kolkata'");
    const ist = await rows<{ V: string }>(conn, 'select v from tz', { fetchAsString: ['Date'] });
    expect(ist.map((x) => x.V)).toEqual(['2024-01-02 03:04:05.123456000 +05:30', '1965-06-02 01:30:00.000000000 +05:30']);
    await exec(conn, "alter session set TIMEZONE = 'UTC'");
  });

  it('TIMESTAMP_LTZ follows ALTER SESSION SET TIMEZONE', async () => {
    await exec(conn, 'create table ltz (v timestamp_ltz)');
    await exec(conn, "insert into ltz values ('2024-07-01 12:00:00+00:00')");
    const meta = await exec(conn, 'select v from ltz');
    expect(meta.stmt.getColumns()![0]!.getType()).toBe('timestamp_ltz');
    await exec(conn, "alter session set TIMEZONE = 'America/New_York'");
    const r = await rows<{ V: string }>(conn, 'select v from ltz', { fetchAsString: ['Date'] });
    expect(r[0]!.V).toBe('2024-07-01 08:00:00.000000000 -04:00');
    await exec(conn, "alter session set TIMEZONE = 'UTC'");
  });

  it('a table with TIMESTAMP_TZ and TIMESTAMP_LTZ columns types each result column as declared', async () => {
    await exec(conn, 'create table both_tz (event_at timestamp_tz, loaded_at timestamp_ltz)');
    await exec(conn, "insert into both_tz values ('2024-01-02 03:04:05+00:00', '2024-01-02 03:04:05+00:00')");
    const meta = await exec(conn, 'select b.event_at, loaded_at, event_at as again from both_tz b');
    expect(meta.stmt.getColumns()!.map((c) => [c.getName(), c.getType()])).toEqual([
      ['EVENT_AT', 'timestamp_tz'],
      ['LOADED_AT', 'timestamp_ltz'],
      ['AGAIN', 'timestamp_ltz'],
    ]);
  });

  it('TIME keeps its fraction', async () => {
    const r = await rows<{ T: string }>(conn, "select '12:34:56.123456'::time as t", { fetchAsString: ['Date'] });
    expect(r[0]!.T).toBe('12:34:56.123456000');
  });

  it('VARIANT, OBJECT and ARRAY come back as parsed JSON', async () => {
    await exec(conn, 'create table v (doc variant, obj object, arr array)');
    await exec(conn, `insert into v select parse_json('{"a":1,"b":[true,null,"x"],"c":{"d":12.50}}'), object_construct('k', 'v', 'n', 2), parse_json('[1,2,3]')`);
    const r = await rows<{ DOC: unknown; OBJ: unknown; ARR: unknown }>(conn, 'select doc, obj, arr from v');
    expect(r[0]).toEqual({ DOC: { a: 1, b: [true, null, 'x'], c: { d: 12.5 } }, OBJ: { k: 'v', n: 2 }, ARR: [1, 2, 3] });
    const path = await rows<{ A: unknown; D: string }>(conn, 'select doc:a as a, doc:c.d::string as d from v');
    // Snowflake normalises numbers inside a VARIANT (12.50 is stored as 12.5).
    expect(path[0]).toEqual({ A: 1, D: '12.5' });
  });

  it('BINARY travels as hex', async () => {
    await exec(conn, 'create table b (v binary)');
    await exec(conn, "insert into b values ('\\\\xDE\\\\xAD\\\\x00\\\\xEF'::blob)");
    const r = await rows<{ V: Buffer }>(conn, 'select v from b');
    expect(Buffer.from(r[0]!.V).toString('hex')).toBe('dead00ef');
  });

  it('BOOLEAN, FLOAT and NULL of each type', async () => {
    await exec(conn, 'create table misc (b boolean, f float, s string, n number(10,2), d date, t timestamp_ntz, v variant)');
    await exec(conn, "insert into misc values (true, 1.5, 'x', 1.25, '2024-01-01', '2024-01-01 00:00:00', parse_json('1')), (false, -0.25, '', -1.25, null, null, null), (null, null, null, null, null, null, null)");
    const r = await rows(conn, 'select b, f, s, n, v from misc');
    expect(r).toEqual([
      { B: true, F: 1.5, S: 'x', N: 1.25, V: 1 },
      { B: false, F: -0.25, S: '', N: -1.25, V: null },
      { B: null, F: null, S: null, N: null, V: null },
    ]);
  });
});
