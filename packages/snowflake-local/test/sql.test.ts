import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'snowflake-sdk';
import { ManualClock, startSnowflakeLocal, type EngineExtension, type SnowflakeLocal } from '../src/index.js';
import { connect, destroy, exec, failure, rows } from './protocol-sdk.js';

describe('sql: the Snowflake dialect over DuckDB', () => {
  let sf: SnowflakeLocal;
  let conn: Connection;
  let other: Connection;
  const clock = new ManualClock(new Date('2026-11-26T10:15:00.123Z'));
  const ends: { session: string; committed: boolean }[] = [];
  const probe: EngineExtension = {
    handlers: [
      {
        name: 'echo',
        matches: (sql) => /^ECHO\b/i.test(sql),
        execute: async (_ctx, sql, binds) => ({ kind: 'query', columns: [{ name: 'said', type: 'text', nullable: false }], rows: [[`${sql.slice(5)}${binds.length ? `:${String(binds[0])}` : ''}`]] }),
      },
    ],
    relation: (name) => (name === 'SQLDB.PUBLIC.PENDING' ? '(select id, amount from SQLDB.PUBLIC.SALES where amount > 100)' : undefined),
    onTransactionEnd: (ctx, committed) => {
      ends.push({ session: ctx.session.id, committed });
    },
  };

  beforeAll(async () => {
    sf = await startSnowflakeLocal({ users: [{ name: 'floe', password: 'pw', role: 'SYSADMIN' }], clock, extensions: [probe] });
    conn = await connect({ accessUrl: sf.accessUrl, username: 'floe', password: 'pw', database: 'SQLDB', schema: 'PUBLIC' });
    other = await connect({ accessUrl: sf.accessUrl, username: 'floe', password: 'pw', database: 'SQLDB', schema: 'PUBLIC' });
    await exec(conn, 'create table sales (id int primary key, amount number(12,2), run_id string)');
    await exec(conn, "insert into sales values (1, 10.00, 'r1'), (2, 200.00, 'r1'), (3, 300.50, 'r1')");
  });
  afterAll(async () => {
    if (conn) await destroy(conn);
    if (other) await destroy(other);
    await sf?.stop();
  });

  it('MERGE inserts, updates and deletes with per-action counts', async () => {
    const res = await exec(conn, `merge into sales t using (
        select 1 as id, 11.00 as amount, 'r2' as run_id union all
        select 2, null, 'r2' union all
        select 4, 40.40, 'r2') s
      on t.id = s.id
      when matched and s.amount is null then delete
      when matched and s.run_id >= t.run_id then update set amount = s.amount, run_id = s.run_id
      when not matched then insert (id, amount, run_id) values (s.id, s.amount, s.run_id)`);
    expect(res.rows).toEqual([{ 'number of rows inserted': 1, 'number of rows updated': 1, 'number of rows deleted': 1 }]);
    expect(res.stmt.getNumUpdatedRows()).toBe(3);
    const r = await rows(conn, 'select id, amount, run_id from sales order by id', { fetchAsString: ['Number'] });
    expect(r).toEqual([
      { ID: '1', AMOUNT: '11.00', RUN_ID: 'r2' },
      { ID: '3', AMOUNT: '300.50', RUN_ID: 'r1' },
      { ID: '4', AMOUNT: '40.40', RUN_ID: 'r2' },
    ]);
  });

  it('ROLLBACK really undoes; COMMIT makes work visible to another session', async () => {
    await exec(conn, 'begin transaction');
    await exec(conn, "insert into sales values (9, 9.99, 'tx')");
    await exec(conn, 'delete from sales where id = 1');
    expect(await rows(conn, 'select count(*) as n from sales')).toEqual([{ N: 3 }]);
    await exec(conn, 'rollback');
    expect(await rows(conn, 'select id from sales order by id')).toEqual([{ ID: 1 }, { ID: 3 }, { ID: 4 }]);

    await exec(conn, 'begin');
    await exec(conn, "update sales set run_id = 'r3' where id = 3");
    expect(await rows(other, 'select run_id from sales where id = 3')).toEqual([{ RUN_ID: 'r1' }]);
    await exec(conn, 'commit');
    expect(await rows(other, 'select run_id from sales where id = 3')).toEqual([{ RUN_ID: 'r3' }]);
  });

  it('a failed statement inside a transaction: compilation errors keep it, execution errors make COMMIT fail loudly', async () => {
    await exec(conn, 'create table txlog (d date)');
    await exec(conn, 'begin');
    await exec(conn, "insert into txlog values ('2024-01-01')");
    expect((await failure(exec(conn, 'select * from nowhere'))).code).toBe('002003');
    await exec(conn, "insert into txlog values ('2024-01-02')");
    await exec(conn, 'commit');
    expect(await rows(conn, 'select count(*) as n from txlog')).toEqual([{ N: 2 }]);

    await exec(conn, 'begin');
    await exec(conn, "insert into txlog values ('2024-01-03')");
    expect((await failure(exec(conn, "insert into txlog values ('not a date')"))).code).toBe('100038');
    expect((await failure(exec(conn, "insert into txlog values ('2024-01-04')"))).message).toContain('Run ROLLBACK');
    const commit = await failure(exec(conn, 'commit'));
    expect(commit.message).toContain('Transaction rolled back, not committed');
    // Nothing of the failed transaction is kept, and the session works again.
    expect(await rows(conn, 'select count(*) as n from txlog')).toEqual([{ N: 2 }]);
  });

  it('a write that meets another session\'s open transaction waits for it instead of failing', async () => {
    await exec(conn, 'create table contended (id int, v int)');
    await exec(conn, 'insert into contended values (1, 0)');
    await exec(conn, 'begin');
    await exec(conn, 'update contended set v = v + 1 where id = 1');
    const second = exec(other, 'update contended set v = v + 10 where id = 1');
    await new Promise((r) => setTimeout(r, 30));
    await exec(conn, 'commit');
    expect((await second).rows).toEqual([{ 'number of rows updated': 1, 'number of multi-joined rows updated': 0 }]);
    expect(await rows(conn, 'select v from contended')).toEqual([{ V: 11 }]);
  });

  it('tells extensions when transactions end (autocommit, COMMIT, ROLLBACK)', async () => {
    ends.length = 0;
    await exec(conn, "update sales set run_id = 'r4' where id = 4");
    await exec(conn, 'begin');
    await exec(conn, "update sales set run_id = 'r5' where id = 4");
    expect(ends.map((e) => e.committed)).toEqual([true]);
    await exec(conn, 'rollback');
    await exec(conn, 'start transaction');
    await exec(conn, 'select 1');
    await exec(conn, 'commit');
    expect(ends.map((e) => e.committed)).toEqual([true, false, true]);
  });

  it('dispatches to extension handlers before DuckDB, and substitutes relations they own', async () => {
    expect(await rows(conn, 'echo hello', { binds: ['b'] })).toEqual([{ said: 'hello:b' }]);
    const r = await rows(conn, 'select p.id from pending p join sales s on s.id = p.id order by 1');
    expect(r).toEqual([{ ID: 3 }]);
    expect(await rows(conn, 'select count(*) as n from pending')).toEqual([{ N: 1 }]);
    expect(await rows(conn, 'select count(*) as n from sqldb.public.pending')).toEqual([{ N: 1 }]);
  });

  it('databases, schemas, USE and three-part names', async () => {
    expect((await rows(conn, 'create database if not exists other_db'))[0]).toEqual({ status: 'Database OTHER_DB successfully created.' });
    expect((await rows(conn, 'create database if not exists other_db'))[0]).toEqual({ status: 'OTHER_DB already exists, statement succeeded.' });
    expect(await rows(conn, 'select current_database() as d, current_schema() as s')).toEqual([{ D: 'OTHER_DB', S: 'PUBLIC' }]);
    await exec(conn, 'create schema staging');
    await exec(conn, 'create table t (v int)');
    await exec(conn, 'insert into t values (5)');
    await exec(conn, 'use database sqldb');
    expect(await rows(conn, 'select current_database() as d, current_schema() as s')).toEqual([{ D: 'SQLDB', S: 'PUBLIC' }]);
    expect(await rows(conn, 'select v from other_db.staging.t')).toEqual([{ V: 5 }]);
    await exec(conn, 'use schema other_db.staging');
    expect(await rows(conn, 'select v from t')).toEqual([{ V: 5 }]);
    await exec(conn, 'use schema sqldb.public');
    await exec(conn, 'use warehouse load_wh');
    await exec(conn, 'use role sysadmin');
    expect(await rows(conn, 'select current_warehouse() as w, current_role() as r')).toEqual([{ W: 'LOAD_WH', R: 'SYSADMIN' }]);
  });

  it('SHOW and DESCRIBE answer in Snowflake column shapes', async () => {
    await exec(conn, 'create or replace table typed (id number(38,0) not null, amount number(12,2), name varchar(100), note string, ts timestamp_ntz, tz timestamp_tz, doc variant, raw binary, ok boolean, f float, d date, primary key (id))');
    const dbs = await rows<{ name: string; is_current: string }>(conn, "show databases like 'other%'");
    expect(dbs.map((d) => [d.name, d.is_current])).toEqual([['OTHER_DB', 'N']]);
    const schemas = await rows<{ name: string; database_name: string }>(conn, 'show schemas in database other_db');
    expect(schemas.map((s) => s.name)).toEqual(['PUBLIC', 'STAGING']);
    const tables = await rows<{ name: string; database_name: string; schema_name: string; kind: string }>(conn, "show tables like 'TYP%' in schema sqldb.public");
    expect(tables.map((t) => [t.name, t.database_name, t.schema_name, t.kind])).toEqual([['TYPED', 'SQLDB', 'PUBLIC', 'TABLE']]);
    const desc = await rows<{ name: string; type: string; 'null?': string; 'primary key': string }>(conn, 'desc table typed');
    expect(desc.map((c) => [c.name, c.type, c['null?'], c['primary key']])).toEqual([
      ['ID', 'NUMBER(38,0)', 'N', 'Y'],
      ['AMOUNT', 'NUMBER(12,2)', 'Y', 'N'],
      ['NAME', 'VARCHAR(100)', 'Y', 'N'],
      ['NOTE', 'VARCHAR(16777216)', 'Y', 'N'],
      ['TS', 'TIMESTAMP_NTZ(9)', 'Y', 'N'],
      ['TZ', 'TIMESTAMP_TZ(9)', 'Y', 'N'],
      ['DOC', 'VARIANT', 'Y', 'N'],
      ['RAW', 'BINARY(8388608)', 'Y', 'N'],
      ['OK', 'BOOLEAN', 'Y', 'N'],
      ['F', 'FLOAT', 'Y', 'N'],
      ['D', 'DATE', 'Y', 'N'],
    ]);
    const cols = await rows<{ column_name: string; data_type: string }>(conn, "show columns like 'AM%' in table typed");
    expect(cols.map((c) => [c.column_name, JSON.parse(c.data_type)])).toEqual([['AMOUNT', { type: 'FIXED', precision: 12, scale: 2, nullable: true }]]);
  });

  it('roles, warehouses, users and grants are recorded with status text', async () => {
    expect((await rows(conn, 'create role if not exists loader'))[0]).toEqual({ status: 'Role LOADER successfully created.' });
    expect((await rows(conn, 'create warehouse if not exists load_wh warehouse_size = xsmall auto_suspend = 60'))[0]).toEqual({ status: 'Warehouse LOAD_WH successfully created.' });
    expect((await rows(conn, "create user if not exists etl password = 'x' default_role = loader"))[0]).toEqual({ status: 'User ETL successfully created.' });
    expect((await rows(conn, 'grant usage on warehouse load_wh to role loader'))[0]).toEqual({ status: 'Statement executed successfully.' });
    expect((await rows<{ name: string }>(conn, "show roles like 'LOAD%'")).map((r) => r.name)).toEqual(['LOADER']);
    await exec(conn, 'grant usage, monitor on warehouse load_wh to role loader');
    await exec(conn, 'grant select, insert on table sales to role loader');
    await exec(conn, 'grant role loader to user etl');
    await exec(conn, 'revoke monitor on warehouse load_wh from role loader');
    const toRole = await rows<{ privilege: string; granted_on: string; name: string; granted_to: string; grantee_name: string }>(conn, 'show grants to role loader');
    expect(toRole.map((g) => [g.privilege, g.granted_on, g.name, g.granted_to, g.grantee_name])).toEqual([
      ['USAGE', 'WAREHOUSE', 'LOAD_WH', 'ROLE', 'LOADER'],
      ['SELECT', 'TABLE', 'SQLDB.PUBLIC.SALES', 'ROLE', 'LOADER'],
      ['INSERT', 'TABLE', 'SQLDB.PUBLIC.SALES', 'ROLE', 'LOADER'],
    ]);
    const toUser = await rows<{ role: string; grantee_name: string }>(conn, 'show grants to user etl');
    expect(toUser.map((g) => [g.role, g.grantee_name])).toEqual([['LOADER', 'ETL']]);
    expect((await rows<{ privilege: string }>(conn, 'show grants on table sales')).map((g) => g.privilege)).toEqual(['SELECT', 'INSERT']);
    expect((await rows(conn, 'drop role loader'))[0]).toEqual({ status: 'LOADER successfully dropped.' });
    expect((await rows(conn, 'drop role if exists loader'))[0]).toEqual({ status: 'Drop statement executed successfully (LOADER already dropped).' });
    expect((await failure(exec(conn, 'use role loader'))).code).toBe('002003');
  });

  it('DROP TABLE / SCHEMA / DATABASE with and without IF EXISTS', async () => {
    await exec(conn, 'create table gone (v int)');
    expect((await rows(conn, 'drop table gone'))[0]).toEqual({ status: 'GONE successfully dropped.' });
    expect((await failure(exec(conn, 'select * from gone'))).code).toBe('002003');
    expect((await rows(conn, 'drop table if exists gone'))[0]).toEqual({ status: 'Drop statement executed successfully (GONE already dropped).' });
    expect((await rows(conn, 'drop schema if exists other_db.staging'))[0]).toEqual({ status: 'STAGING successfully dropped.' });
    expect((await rows(conn, 'drop database other_db'))[0]).toEqual({ status: 'OTHER_DB successfully dropped.' });
    expect((await rows<{ name: string }>(conn, 'show databases')).map((d) => d.name)).toEqual(['SQLDB']);
  });

  it('names unaliased result columns as Snowflake does (the expression text, upper-cased)', async () => {
    const res = await exec(conn, 'select count(*), sum(amount), id + 1, max(run_id) as m, s.id, "RUN_ID" from sales s group by s.id, run_id order by s.id limit 1');
    expect(res.stmt.getColumns()!.map((c) => c.getName())).toEqual(['COUNT(*)', 'SUM(AMOUNT)', 'ID + 1', 'M', 'ID', 'RUN_ID']);
    const distinct = await exec(conn, 'select distinct upper(run_id) from sales');
    expect(distinct.stmt.getColumns()!.map((c) => c.getName())).toEqual(['UPPER(RUN_ID)']);
  });

  it('rewrites Snowflake functions DuckDB lacks', async () => {
    const r = await rows(conn, `select
        iff(1 > 0, 'yes', 'no') as iff_v,
        nvl(null, 'z') as nvl_v,
        dateadd(day, 3, '2024-02-27'::date)::date as plus3,
        dateadd('month', 1, '2024-01-31'::date)::date as plus_month,
        datediff(day, '2024-01-01'::date, '2024-03-01'::date) as days,
        to_date('2024-05-06') as d,
        to_date('06/05/2024', 'DD/MM/YYYY') as d2,
        to_timestamp_ntz('2024-05-06 07:08:09.123456') as ts,
        regexp_substr('sales/dt=2026-11-26/run=20261126T101500123Z-3f9a1c2e/part-00000.csv.gz', 'run=([^/]+)/', 1, 1, 'e') as run_id,
        regexp_substr('no match here', 'run=([^/]+)/', 1, 1, 'e') as no_run,
        parse_json('{"a":[1,2]}'):a as arr,
        current_timestamp() as now_ts,
        current_date as today`, { fetchAsString: ['Date'] });
    expect(r).toEqual([{
      IFF_V: 'yes', NVL_V: 'z', PLUS3: '2024-03-01', PLUS_MONTH: '2024-02-29', DAYS: 60, D: '2024-05-06', D2: '2024-05-06',
      TS: '2024-05-06 07:08:09.123', RUN_ID: '20261126T101500123Z-3f9a1c2e', NO_RUN: null, ARR: [1, 2],
      NOW_TS: '2026-11-26 10:15:00.123 +0000', TODAY: '2026-11-26',
    }]);
    clock.advance(60_000);
    expect(await rows(conn, 'select current_timestamp() as t', { fetchAsString: ['Date'] })).toEqual([{ T: '2026-11-26 10:16:00.123 +0000' }]);
  });

  it('passes QUALIFY and ILIKE through, and de-duplicates the way floe’s task does', async () => {
    await exec(conn, 'create table landing (id int, amount number(12,2), _floe_run_id string, _floe_row int)');
    await exec(conn, "insert into landing values (1, 1.00, 'run-a', 1), (1, 1.50, 'run-b', 1), (1, 1.25, 'run-b', 0), (2, 2.00, 'run-a', 2)");
    const r = await rows(conn, `select id, amount from landing where _floe_run_id ilike 'RUN-%'
      qualify row_number() over (partition by id order by _floe_run_id desc, _floe_row desc) = 1 order by id`, { fetchAsString: ['Number'] });
    expect(r).toEqual([{ ID: '1', AMOUNT: '1.50' }, { ID: '2', AMOUNT: '2.00' }]);
  });

  it('keeps quoted identifiers, literals and comments intact', async () => {
    await exec(conn, 'create table "MixedCase" ("lower col" int, "Q""uote" string)');
    await exec(conn, `insert into "MixedCase" values (1, 'select -- not a comment; ''quoted'' \\\\ back')`);
    const r = await rows(conn, `select "lower col", "Q""uote" as q /* block; comment */ from "MixedCase" -- trailing`);
    expect(r).toEqual([{ 'lower col': 1, Q: "select -- not a comment; 'quoted' \\ back" }]);
  });

  it('CREATE TABLE options DuckDB lacks are accepted, and existing tables are reported', async () => {
    expect((await rows(conn, "create transient table if not exists opts (v int) cluster by (v) data_retention_time_in_days = 1 comment = 'x'"))[0]).toEqual({ status: 'Table OPTS successfully created.' });
    expect((await rows(conn, 'create table if not exists opts (v int)'))[0]).toEqual({ status: 'OPTS already exists, statement succeeded.' });
    expect((await failure(exec(conn, 'create table opts (v int)'))).code).toBe('002002');
    await exec(conn, 'create or replace table opts (w string)');
    expect((await rows<{ name: string }>(conn, 'describe table opts')).map((c) => c.name)).toEqual(['W']);
  });

  it('ALTER TABLE adds columns with Snowflake types and accepts table options', async () => {
    await exec(conn, 'create table altered (id int)');
    await exec(conn, 'alter table altered add column loaded_at timestamp_tz');
    await exec(conn, 'alter table altered add column doc object');
    expect((await rows(conn, 'alter table altered set change_tracking = true'))[0]).toEqual({ status: 'Statement executed successfully.' });
    const desc = await rows<{ name: string; type: string }>(conn, 'desc table altered');
    expect(desc.map((c) => [c.name, c.type])).toEqual([['ID', 'NUMBER(38,0)'], ['LOADED_AT', 'TIMESTAMP_TZ(9)'], ['DOC', 'OBJECT']]);
    expect((await failure(exec(conn, 'alter table nowhere set change_tracking = true'))).code).toBe('002003');
  });

  it('more rewrites: LISTAGG WITHIN GROUP, DECODE, RLIKE, JSON paths with casts, call names', async () => {
    const r = await rows(conn, `select
        listagg(run_id, '|') within group (order by id desc) as runs,
        decode(count(*), 3, 'three', 'other') as d,
        'sales/part-00001.csv.gz' rlike '.*part-[0-9]+[.](csv[.]gz|parquet)' as pipe_match,
        'x/part-1.json' rlike '.*part-[0-9]+[.](csv[.]gz|parquet)' as no_match,
        parse_json('{"a":{"b":"text"}}'):a.b::string as ab,
        sum(id)
      from sales`);
    expect(r).toEqual([{ RUNS: 'r4|r3|r2', D: 'three', PIPE_MATCH: true, NO_MATCH: false, AB: 'text', 'SUM(ID)': 8 }]);
  });

  it('INFORMATION_SCHEMA is per database, as in Snowflake', async () => {
    await exec(conn, 'create database if not exists info_other');
    await exec(conn, 'create table elsewhere (v int)');
    await exec(conn, 'use schema sqldb.public');
    const here = await rows<{ TABLE_NAME: string }>(conn, "select table_name from information_schema.tables where table_schema = 'PUBLIC' and table_name in ('SALES', 'ELSEWHERE')");
    expect(here).toEqual([{ table_name: 'SALES' }]);
    const there = await rows(conn, "select table_name, column_name from info_other.information_schema.columns where table_schema = 'PUBLIC'");
    expect(there).toEqual([{ table_name: 'ELSEWHERE', column_name: 'V' }]);
  });

  it('a DEFAULT CURRENT_TIMESTAMP() is evaluated per insert, not frozen at CREATE', async () => {
    await exec(conn, 'create table stamped (id int, stamped_at timestamp_ltz default current_timestamp())');
    await exec(conn, 'insert into stamped (id) values (1)');
    await new Promise((r) => setTimeout(r, 20));
    await exec(conn, 'insert into stamped (id) values (2)');
    const r = await rows<{ STAMPED_AT: Date }>(conn, 'select stamped_at from stamped order by id');
    expect(r[1]!.STAMPED_AT.getTime()).toBeGreaterThan(r[0]!.STAMPED_AT.getTime());
  });
});

describe('sql: state in DuckDB files survives a restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'floe-sf-local-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps databases, schemas and rows in <path>/<DB>.duckdb', async () => {
    const first = await startSnowflakeLocal({ users: [{ name: 'floe', password: 'pw' }], path: dir });
    const c1 = await connect({ accessUrl: first.accessUrl, username: 'floe', password: 'pw' });
    await exec(c1, 'create database demo');
    await exec(c1, 'create schema demo.raw');
    await exec(c1, 'create table demo.raw.sales (id int, amount number(12,2))');
    await exec(c1, 'insert into demo.raw.sales values (1, 12.34), (2, 56.78)');
    await destroy(c1);
    await first.stop();
    expect(readdirSync(dir)).toContain('DEMO.duckdb');

    const second = await startSnowflakeLocal({ users: [{ name: 'floe', password: 'pw' }], path: dir });
    const c2 = await connect({ accessUrl: second.accessUrl, username: 'floe', password: 'pw', database: 'DEMO', schema: 'RAW' });
    try {
      expect(await rows(c2, 'select sum(amount) as total from sales', { fetchAsString: ['Number'] })).toEqual([{ TOTAL: '69.12' }]);
    } finally {
      await destroy(c2);
      await second.stop();
    }
  });
});

