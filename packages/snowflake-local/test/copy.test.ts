import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUCKET, failure, stageSetup, startHarness, type Harness } from './objects-harness.js';

const RUN = 'run=20261126T101500123Z-3f9a1c2e';
const PART = `floe/sales/dt=2026-11-25/${RUN}/part-00000.csv.gz`;

// NULL (unquoted empty), empty string (""), the text NA, a quoted comma, a quoted newline, exact money.
const SALES_CSV = [
  'id,name,amount,note,flag,ts',
  '1,"Smith, John",19.99,,t,2026-11-25 10:15:00.123456',
  '2,"multi\nline ""quoted""",12345678901.01,"",f,2026-11-25 23:59:59.999999',
  '3,NA,0.10,NA,t,',
  '',
].join('\n');

describe('COPY INTO from an S3 stage (through snowflake-sdk)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await h.sql(
      ...stageSetup('floe/'),
      'CREATE TABLE SALES (ID NUMBER(10,0), NAME VARCHAR, AMOUNT NUMBER(14,2), NOTE VARCHAR, FLAG BOOLEAN, TS TIMESTAMP_NTZ)',
    );
    await h.put(PART, SALES_CSV);
  });
  afterAll(async () => {
    await h?.stop();
  });

  const salesRows = (): Promise<Array<Record<string, unknown>>> => h.sql("SELECT ID, NAME, AMOUNT::VARCHAR AS AMOUNT, NOTE, FLAG, TO_VARCHAR(TS) AS TS FROM SALES ORDER BY ID");

  it('loads NULL vs "" vs NA, quoted commas and newlines, and exact decimals', async () => {
    const result = await h.sql('COPY INTO SALES FROM @FLOE_STAGE/sales/');
    expect(result).toEqual([
      {
        file: `s3://${BUCKET}/${PART}`,
        status: 'LOADED',
        rows_parsed: 3,
        rows_loaded: 3,
        error_limit: 1,
        errors_seen: 0,
        first_error: null,
        first_error_line: null,
        first_error_character: null,
        first_error_column_name: null,
      },
    ]);
    const rows = await salesRows();
    expect(rows.map((r) => [r.ID, r.NAME, r.AMOUNT, r.NOTE, r.FLAG])).toEqual([
      [1, 'Smith, John', '19.99', null, true],
      [2, 'multi\nline "quoted"', '12345678901.01', '', false],
      [3, 'NA', '0.10', 'NA', true],
    ]);
    expect(String(rows[0]?.TS)).toContain('2026-11-25 10:15:00.123456');
    const sum = await h.sql('SELECT SUM(AMOUNT)::VARCHAR AS S FROM SALES');
    expect(sum[0]?.S).toBe('12345678921.10');
  });

  it('skips a file already loaded (load metadata), reloads it with FORCE = TRUE', async () => {
    const again = await h.sql('COPY INTO SALES FROM @FLOE_STAGE/sales/');
    expect(again).toEqual([{ status: 'Copy executed with 0 files processed.' }]);
    expect(await h.sql('SELECT COUNT(*) AS N FROM SALES')).toEqual([{ N: 3 }]);
    const forced = await h.sql('COPY INTO SALES FROM @FLOE_STAGE/sales/ FORCE = TRUE');
    expect(forced.map((r) => [r.status, r.rows_loaded])).toEqual([['LOADED', 3]]);
    expect(await h.sql('SELECT COUNT(*) AS N FROM SALES')).toEqual([{ N: 6 }]);
  });

  it('a table created again starts without load metadata (as Snowflake)', async () => {
    await h.sql('CREATE TABLE AGAIN (ID NUMBER(10,0), NAME VARCHAR, AMOUNT NUMBER(14,2), NOTE VARCHAR, FLAG BOOLEAN, TS TIMESTAMP_NTZ)');
    expect((await h.sql('COPY INTO AGAIN FROM @FLOE_STAGE/sales/')).map((r) => r.status)).toEqual(['LOADED']);
    await h.sql('CREATE OR REPLACE TABLE AGAIN (ID NUMBER(10,0), NAME VARCHAR, AMOUNT NUMBER(14,2), NOTE VARCHAR, FLAG BOOLEAN, TS TIMESTAMP_NTZ)');
    expect((await h.sql('COPY INTO AGAIN FROM @FLOE_STAGE/sales/')).map((r) => r.status)).toEqual(['LOADED']);
    expect(await h.sql('SELECT COUNT(*) AS N FROM AGAIN')).toEqual([{ N: 3 }]);
  });

  it('NULL_IF = (\'NA\') turns NA into NULL, quoted or not', async () => {
    await h.sql('CREATE OR REPLACE TABLE SALES_NA (ID NUMBER(10,0), NAME VARCHAR, AMOUNT NUMBER(14,2), NOTE VARCHAR, FLAG BOOLEAN, TS TIMESTAMP_NTZ)');
    await h.sql("COPY INTO SALES_NA FROM @FLOE_STAGE/sales/ FILE_FORMAT = (TYPE = CSV FIELD_OPTIONALLY_ENCLOSED_BY = '\"' SKIP_HEADER = 1 NULL_IF = ('NA'))");
    const rows = await h.sql('SELECT ID, NAME, NOTE FROM SALES_NA ORDER BY ID');
    expect(rows).toEqual([
      { ID: 1, NAME: 'Smith, John', NOTE: null },
      { ID: 2, NAME: 'multi\nline "quoted"', NOTE: '' },
      { ID: 3, NAME: null, NOTE: null },
    ]);
  });

  it('a transformation loads METADATA$FILENAME (relative to the stage), FILE_ROW_NUMBER and the run id', async () => {
    await h.sql('CREATE TABLE LANDING (ID NUMBER(10,0), AMOUNT NUMBER(14,2), _FLOE_FILE VARCHAR, _FLOE_ROW NUMBER(38,0), _FLOE_RUN_ID VARCHAR, _FLOE_LOADED_AT TIMESTAMP_LTZ)');
    const result = await h.sql(
      "COPY INTO LANDING (ID, AMOUNT, _FLOE_FILE, _FLOE_ROW, _FLOE_RUN_ID, _FLOE_LOADED_AT) FROM (SELECT $1, $3, METADATA$FILENAME, METADATA$FILE_ROW_NUMBER, REGEXP_SUBSTR(METADATA$FILENAME, 'run=([^/]+)/', 1, 1, 'e'), CURRENT_TIMESTAMP() FROM @FLOE_STAGE/sales/) PATTERN = '.*part-[0-9]+[.](csv[.]gz|parquet)'",
    );
    expect(result.map((r) => [r.status, r.rows_loaded])).toEqual([['LOADED', 3]]);
    const rows = await h.sql('SELECT ID, AMOUNT::VARCHAR AS AMOUNT, _FLOE_FILE, _FLOE_ROW, _FLOE_RUN_ID, _FLOE_LOADED_AT IS NOT NULL AS STAMPED FROM LANDING ORDER BY ID');
    const file = PART.slice('floe/'.length);
    expect(rows).toEqual([
      { ID: 1, AMOUNT: '19.99', _FLOE_FILE: file, _FLOE_ROW: 1, _FLOE_RUN_ID: RUN.slice(4), STAMPED: true },
      { ID: 2, AMOUNT: '12345678901.01', _FLOE_FILE: file, _FLOE_ROW: 2, _FLOE_RUN_ID: RUN.slice(4), STAMPED: true },
      { ID: 3, AMOUNT: '0.10', _FLOE_FILE: file, _FLOE_ROW: 3, _FLOE_RUN_ID: RUN.slice(4), STAMPED: true },
    ]);
  });

  it('a bad row aborts the statement by default, with Snowflake\'s message and nothing loaded', async () => {
    await h.put('floe/bad/part-00000.csv.gz', 'id,name,amount,note,flag,ts\n1,a,1.00,,t,\n2,b,abc,,t,\n3,c,3.00,,f,\n');
    await h.sql('CREATE TABLE BAD_ABORT (ID NUMBER(10,0), NAME VARCHAR, AMOUNT NUMBER(14,2), NOTE VARCHAR, FLAG BOOLEAN, TS TIMESTAMP_NTZ)');
    const e = await failure(h.sql('COPY INTO BAD_ABORT FROM @FLOE_STAGE/bad/'));
    expect(e.message).toContain("Numeric value 'abc' is not recognized");
    expect(e.message).toContain("File 'bad/part-00000.csv.gz', line 3, character 5");
    expect(e.message).toContain('column "BAD_ABORT"["AMOUNT":3]');
    expect(e.code).toBe('100038');
    expect(await h.sql('SELECT COUNT(*) AS N FROM BAD_ABORT')).toEqual([{ N: 0 }]);
  });

  it('ON_ERROR = CONTINUE loads the good rows; SKIP_FILE loads none', async () => {
    await h.sql('CREATE TABLE BAD_CONTINUE (ID NUMBER(10,0), NAME VARCHAR, AMOUNT NUMBER(14,2), NOTE VARCHAR, FLAG BOOLEAN, TS TIMESTAMP_NTZ)');
    const cont = await h.sql('COPY INTO BAD_CONTINUE FROM @FLOE_STAGE/bad/ ON_ERROR = CONTINUE');
    expect(cont.map((r) => [r.status, r.rows_parsed, r.rows_loaded, r.errors_seen, r.first_error, r.first_error_line, r.first_error_column_name])).toEqual([
      ['PARTIALLY_LOADED', 3, 2, 1, "Numeric value 'abc' is not recognized", 3, '"BAD_CONTINUE"["AMOUNT":3]'],
    ]);
    expect(await h.sql('SELECT ID, AMOUNT::VARCHAR AS A FROM BAD_CONTINUE ORDER BY ID')).toEqual([
      { ID: 1, A: '1.00' },
      { ID: 3, A: '3.00' },
    ]);
    await h.sql('CREATE TABLE BAD_SKIP (ID NUMBER(10,0), NAME VARCHAR, AMOUNT NUMBER(14,2), NOTE VARCHAR, FLAG BOOLEAN, TS TIMESTAMP_NTZ)');
    const skip = await h.sql("COPY INTO BAD_SKIP FROM @FLOE_STAGE/bad/ ON_ERROR = 'SKIP_FILE'");
    expect(skip.map((r) => [r.status, r.rows_loaded, r.errors_seen])).toEqual([['LOAD_FAILED', 0, 1]]);
    const history = await h.sql(
      "SELECT TABLE_NAME, FILE_NAME, STAGE_LOCATION, STATUS, ROW_COUNT, PIPE_NAME FROM TABLE(COPY_HISTORY(TABLE_NAME => 'BAD_CONTINUE', START_TIME => DATEADD(DAYS, -1, CURRENT_TIMESTAMP())))",
    );
    expect(history).toEqual([{ TABLE_NAME: 'BAD_CONTINUE', FILE_NAME: 'bad/part-00000.csv.gz', STAGE_LOCATION: `s3://${BUCKET}/floe/`, STATUS: 'Partially loaded', ROW_COUNT: 2, PIPE_NAME: null }]);
    expect(await h.sql('SELECT COUNT(*) AS N FROM BAD_SKIP')).toEqual([{ N: 0 }]);
  });

  it('a record with the wrong number of fields is an error unless ERROR_ON_COLUMN_COUNT_MISMATCH = FALSE', async () => {
    await h.put('floe/short/part-00000.csv', 'id,name\n7,x\n', { gzip: false });
    await h.sql('CREATE TABLE SHORT_ROWS (ID NUMBER(10,0), NAME VARCHAR, EXTRA VARCHAR)');
    const e = await failure(h.sql('COPY INTO SHORT_ROWS FROM @FLOE_STAGE/short/'));
    expect(e.message).toContain('Number of columns in file (2) does not match that of the corresponding table (3)');
    await h.sql("COPY INTO SHORT_ROWS FROM @FLOE_STAGE/short/ FILE_FORMAT = (TYPE = CSV SKIP_HEADER = 1 ERROR_ON_COLUMN_COUNT_MISMATCH = FALSE COMPRESSION = NONE)");
    expect(await h.sql('SELECT * FROM SHORT_ROWS')).toEqual([{ ID: 7, NAME: 'x', EXTRA: null }]);
  });

  it('an overwritten file (new ETag) is loaded again by bulk COPY', async () => {
    await h.put('floe/over/part-00000.csv.gz', 'id,name,amount,note,flag,ts\n1,a,1.00,,t,\n');
    await h.sql('CREATE TABLE OVER (ID NUMBER(10,0), NAME VARCHAR, AMOUNT NUMBER(14,2), NOTE VARCHAR, FLAG BOOLEAN, TS TIMESTAMP_NTZ)');
    await h.sql('COPY INTO OVER FROM @FLOE_STAGE/over/');
    await h.put('floe/over/part-00000.csv.gz', 'id,name,amount,note,flag,ts\n2,b,2.00,,t,\n');
    const second = await h.sql('COPY INTO OVER FROM @FLOE_STAGE/over/');
    expect(second.map((r) => r.status)).toEqual(['LOADED']);
    expect(await h.sql('SELECT ID FROM OVER ORDER BY ID')).toEqual([{ ID: 1 }, { ID: 2 }]);
  });

  it('loads Parquet by column name ($1:"name"::TYPE, PARSE_JSON) and with MATCH_BY_COLUMN_NAME, decimals exact', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'copy-parquet-'));
    try {
      const db = await DuckDBInstance.create(':memory:');
      const c = await db.connect();
      const file = join(dir, 'p.parquet');
      await c.run(
        `COPY (SELECT * FROM (VALUES (1, 19.99::DECIMAL(14,2), 'a,b', '{"k":[1,2]}', TIMESTAMP '2026-11-25 10:15:00.123456', TIMESTAMPTZ '2026-11-25 10:15:00.123456+00'), (2, 12345678901.01::DECIMAL(14,2), NULL, NULL, NULL, NULL)) t(id, amount, name, doc, ts, tsz)) TO '${file}' (FORMAT parquet)`,
      );
      c.closeSync();
      db.closeSync();
      await h.put(`floe/pq/${RUN}/part-00000.parquet`, await readFile(file), { gzip: false });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    await h.sql(
      'CREATE FILE FORMAT FLOE_PARQUET TYPE = PARQUET USE_LOGICAL_TYPE = TRUE BINARY_AS_TEXT = FALSE',
      'CREATE TABLE PQ (ID NUMBER(10,0), AMOUNT NUMBER(14,2), NAME VARCHAR, DOC VARIANT, TS TIMESTAMP_NTZ, TSZ TIMESTAMP_TZ, _FLOE_FILE VARCHAR)',
    );
    const result = await h.sql(
      `COPY INTO PQ (ID, AMOUNT, NAME, DOC, TS, TSZ, _FLOE_FILE) FROM (SELECT $1:"id"::NUMBER(10,0), $1:"amount"::NUMBER(14,2), $1:"name"::VARCHAR, PARSE_JSON($1:"doc"), $1:"ts"::TIMESTAMP_NTZ, $1:"tsz"::TIMESTAMP_TZ, METADATA$FILENAME FROM @FLOE_STAGE/pq/) FILE_FORMAT = (FORMAT_NAME = 'FLOE_PARQUET') PATTERN = '.*part-[0-9]+[.](csv[.]gz|parquet)'`,
    );
    expect(result.map((r) => [r.status, r.rows_loaded])).toEqual([['LOADED', 2]]);
    const rows = await h.sql('SELECT ID, AMOUNT::VARCHAR AS AMOUNT, NAME, DOC, TO_VARCHAR(TS) AS TS, TO_VARCHAR(TSZ) AS TSZ, _FLOE_FILE FROM PQ ORDER BY ID');
    expect(rows.map((r) => [r.ID, r.AMOUNT, r.NAME, r.DOC, r._FLOE_FILE])).toEqual([
      [1, '19.99', 'a,b', { k: [1, 2] }, `pq/${RUN}/part-00000.parquet`],
      [2, '12345678901.01', null, null, `pq/${RUN}/part-00000.parquet`],
    ]);
    expect(String(rows[0]?.TS)).toContain('2026-11-25 10:15:00.123456');
    expect(String(rows[0]?.TSZ)).toMatch(/^2026-11-25 10:15:00\.123456(000)? ?(\+00(:?00)?|Z)$/);

    await h.sql('CREATE TABLE PQ_BY_NAME (ID NUMBER(10,0), AMOUNT NUMBER(14,2), NAME VARCHAR)');
    await h.sql("COPY INTO PQ_BY_NAME FROM @FLOE_STAGE/pq/ FILE_FORMAT = (TYPE = PARQUET) MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE");
    expect(await h.sql('SELECT ID, AMOUNT::VARCHAR AS AMOUNT, NAME FROM PQ_BY_NAME ORDER BY ID')).toEqual([
      { ID: 1, AMOUNT: '19.99', NAME: 'a,b' },
      { ID: 2, AMOUNT: '12345678901.01', NAME: null },
    ]);
    const noMatch = await failure(h.sql('COPY INTO PQ_BY_NAME FROM @FLOE_STAGE/pq/ FILE_FORMAT = (TYPE = PARQUET) FORCE = TRUE'));
    expect(noMatch.message).toContain('PARQUET file format can produce one and only one column of type variant, object, or array');
  });

  it('a NULL for a NOT NULL column is a row error that ON_ERROR governs; a failed COPY loads nothing from any file', async () => {
    await h.put('floe/nn/a/part-00000.csv.gz', 'id,name\n1,a\n');
    await h.put('floe/nn/b/part-00000.csv.gz', 'id,name\n2,\n3,c\n');
    await h.sql('CREATE TABLE NN (ID NUMBER(10,0), NAME VARCHAR NOT NULL)');
    const e = await failure(h.sql('COPY INTO NN FROM @FLOE_STAGE/nn/'));
    expect(e.message).toContain('NULL result in a non-nullable column');
    expect(e.message).toContain("File 'nn/b/part-00000.csv.gz', line 2");
    expect(await h.sql('SELECT COUNT(*) AS N FROM NN')).toEqual([{ N: 0 }]);
    const cont = await h.sql('COPY INTO NN FROM @FLOE_STAGE/nn/ ON_ERROR = CONTINUE');
    expect(cont.map((r) => [r.file, r.status, r.rows_loaded])).toEqual([
      [`s3://${BUCKET}/floe/nn/a/part-00000.csv.gz`, 'LOADED', 1],
      [`s3://${BUCKET}/floe/nn/b/part-00000.csv.gz`, 'PARTIALLY_LOADED', 1],
    ]);
    expect(await h.sql('SELECT ID, NAME FROM NN ORDER BY ID')).toEqual([
      { ID: 1, NAME: 'a' },
      { ID: 3, NAME: 'c' },
    ]);
  });

  it('a file that cannot be decompressed fails alone under ON_ERROR = CONTINUE', async () => {
    const gz = await import('node:zlib');
    const broken = gz.gzipSync(Buffer.from('id,name\n9,z\n')).subarray(0, 12);
    await h.put('floe/broken/part-00000.csv.gz', broken, { gzip: false });
    await h.put('floe/broken/part-00001.csv.gz', 'id,name\n8,y\n');
    await h.sql('CREATE TABLE BROKEN (ID NUMBER(10,0), NAME VARCHAR)');
    const result = await h.sql('COPY INTO BROKEN FROM @FLOE_STAGE/broken/ ON_ERROR = CONTINUE');
    expect(result.map((r) => [r.status, r.rows_loaded])).toEqual([
      ['LOAD_FAILED', 0],
      ['LOADED', 1],
    ]);
    expect(String(result[0]?.first_error)).toContain('decompression');
    expect(await h.sql('SELECT ID FROM BROKEN')).toEqual([{ ID: 8 }]);
  });

  it('honours FIELD_DELIMITER, PARSE_HEADER with MATCH_BY_COLUMN_NAME, TRIM_SPACE, ENCODING and BINARY_FORMAT', async () => {
    const latin1 = Buffer.from('name | ID | blob\r\n Cataluña | 7 | DEADBEEF\r\n', 'latin1');
    await h.put('floe/opts/part-00000.csv', latin1, { gzip: false });
    await h.sql('CREATE TABLE OPTS (ID NUMBER(10,0), NAME VARCHAR, BLOB BINARY)');
    await h.sql(
      "COPY INTO OPTS FROM @FLOE_STAGE/opts/ FILE_FORMAT = (TYPE = CSV FIELD_DELIMITER = '|' PARSE_HEADER = TRUE TRIM_SPACE = TRUE ENCODING = 'ISO-8859-1' BINARY_FORMAT = HEX COMPRESSION = NONE) MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE",
    );
    expect(await h.sql('SELECT ID, NAME, HEX_ENCODE(BLOB) AS B FROM OPTS')).toEqual([{ ID: 7, NAME: 'Cataluña', B: 'DEADBEEF' }]);
  });

  it('bytes that are not UTF-8 fail their rows instead of being replaced silently (unless REPLACE_INVALID_CHARACTERS)', async () => {
    await h.put('floe/latin1/part-00000.csv.gz', Buffer.concat([Buffer.from('id,name\n1,ok\n2,Catalu'), Buffer.from([0xf1]), Buffer.from('a\n')]));
    await h.sql('CREATE TABLE LATIN (ID NUMBER(10,0), NAME VARCHAR)');
    const e = await failure(h.sql('COPY INTO LATIN FROM @FLOE_STAGE/latin1/'));
    expect(e.message).toContain('Invalid UTF8 detected');
    expect(e.message).toContain('line 3');
    const cont = await h.sql('COPY INTO LATIN FROM @FLOE_STAGE/latin1/ ON_ERROR = CONTINUE');
    expect(cont.map((r) => [r.status, r.rows_loaded, r.errors_seen])).toEqual([['PARTIALLY_LOADED', 1, 1]]);
    await h.sql("COPY INTO LATIN FROM @FLOE_STAGE/latin1/ FILE_FORMAT = (TYPE = CSV SKIP_HEADER = 1 REPLACE_INVALID_CHARACTERS = TRUE) FORCE = TRUE");
    expect(await h.sql('SELECT ID, NAME FROM LATIN ORDER BY ID, NAME')).toEqual([
      { ID: 1, NAME: 'ok' },
      { ID: 1, NAME: 'ok' },
      { ID: 2, NAME: 'Catalu\uFFFDa' },
    ]);
  });
});
