import { DuckDBInstance } from '@duckdb/node-api';
import { startPostgres, type LocalPostgres } from '@floe/testkit';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCsvSerializer, createParquetSerializer, createPostgresExtractor, type Serializer } from '../src/index.js';

/**
 * Every supported PostgreSQL type, written through the extractor and a serializer, read back by an
 * independent reader (DuckDB). Expected values are the conventions' text forms, written by hand.
 */
const COLUMNS: ReadonlyArray<readonly [name: string, type: string]> = [
  ['id', 'int4 PRIMARY KEY'],
  ['i2', 'int2'],
  ['i8', 'int8'],
  ['n38', 'numeric(38,10)'],
  ['n', 'numeric'],
  ['f4', 'float4'],
  ['f8', 'float8'],
  ['b', 'bool'],
  ['t', 'text'],
  ['vc', 'varchar(10)'],
  ['ch', 'char(5)'],
  ['d', 'date'],
  ['ts', 'timestamp'],
  ['tstz', 'timestamptz'],
  ['tm', 'time'],
  ['u', 'uuid'],
  ['j', 'json'],
  ['jb', 'jsonb'],
  ['ia', 'int[]'],
  ['ta', 'text[]'],
  ['by', 'bytea'],
  ['iv', 'interval'],
];

const TRICKY_TEXT = 'He said "hi", then\r\nleft;\tü 🚀 \\ NA';
// Inserted through bind parameters (text), so the SQL literal syntax plays no part.
const ROWS: ReadonlyArray<ReadonlyArray<string | null>> = [
  ['1', '32767', '9223372036854775807', '9999999999999999999999999999.9999999999', '123456789012345678901234567890.123456789012345', 'NaN', 'Infinity', 'true', TRICKY_TEXT, 'abc', 'ab', '1969-12-31', '1900-01-01 00:00:00.000001', '2005-05-31 23:59:59.123456-07', '23:59:59.999999', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"b": 1, "a": [1, 2]}', '{"b": 1, "a": [1, 2]}', '{1,NULL,3}', '{"a,b","c\\"d",NULL}', '\\x00ff10', '1 year 2 months 3 days 04:05:06.789'],
  ['2', '-32768', '-9223372036854775808', '-0.0000000001', '1.50', '3.4028235e+38', '-Infinity', 'false', '', '', '', '0001-01-01', '2005-05-31 00:00:00', '1970-01-01 00:00:00+00', '00:00:00', '00000000-0000-0000-0000-000000000000', '[]', 'null', '{}', '{}', '\\x', '-00:00:01'],
  ['3', null, null, null, null, 'NaN', '0.1', null, null, null, null, null, null, null, null, null, null, null, null, null, null, null],
];
const EXPECTED: ReadonlyArray<ReadonlyArray<string | null>> = [
  ['1', '32767', '9223372036854775807', '9999999999999999999999999999.9999999999', '123456789012345678901234567890.123456789012345', 'NaN', 'Infinity', 't', TRICKY_TEXT, 'abc', 'ab   ', '1969-12-31', '1900-01-01 00:00:00.000001', '2005-06-01 06:59:59.123456+00:00', '23:59:59.999999', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"b": 1, "a": [1, 2]}', '{"a": [1, 2], "b": 1}', '[1,null,3]', '["a,b","c\\"d",null]', '00ff10', 'P1Y2M3DT4H5M6.789S'],
  ['2', '-32768', '-9223372036854775808', '-0.0000000001', '1.50', '3.4028235e+38', '-Infinity', 'f', '', '', '     ', '0001-01-01', '2005-05-31 00:00:00.000000', '1970-01-01 00:00:00.000000+00:00', '00:00:00.000000', '00000000-0000-0000-0000-000000000000', '[]', 'null', '[]', '[]', '', 'PT-1S'],
  ['3', null, null, null, null, 'NaN', '0.1', null, null, null, null, null, null, null, null, null, null, null, null, null, null, null],
];

let server: LocalPostgres;
let url: string;
let dir: string;
const duck = await DuckDBInstance.create(':memory:');
const conn = await duck.connect();

beforeAll(async () => {
  server = await startPostgres();
  url = await server.createDatabase('types');
  dir = await mkdtemp(join(tmpdir(), 'floe-types-'));
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  // A session zone far from UTC proves the extractor pins its own.
  await c.query(`SET TimeZone = 'America/Los_Angeles'`);
  await c.query(`CREATE TABLE alltypes (${COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ')})`);
  for (const row of ROWS) await c.query(`INSERT INTO alltypes VALUES (${row.map((_, i) => `$${i + 1}`).join(', ')})`, [...row]);
  await c.end();
});
afterAll(async () => {
  conn.closeSync();
  duck.closeSync();
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function writeParts(serializer: Serializer, name: string): Promise<string[]> {
  const extractor = createPostgresExtractor({ connection: { connectionString: url }, table: { schema: 'public', name: 'alltypes' } });
  const x = (await extractor.extract({ kind: 'full' }, serializer.accepts))._unsafeUnwrap();
  const files: string[] = [];
  try {
    for await (const part of serializer.serialize(x.schema, x.slices[0]!, { maxRows: 1_000, maxBytes: 1 << 20 })) {
      const chunks: Uint8Array[] = [];
      for await (const c of part.body) chunks.push(c);
      const path = join(dir, `${name}-${part.index}.${part.extension}`);
      await writeFile(path, Buffer.concat(chunks));
      files.push(path);
    }
    expect((await x.finished)._unsafeUnwrap().rows).toBe(ROWS.length);
  } finally {
    await x.close();
  }
  return files;
}

describe('catalog', () => {
  it('describes every supported type from pg_attribute/format_type', async () => {
    const extractor = createPostgresExtractor({ connection: { connectionString: url }, table: { schema: 'public', name: 'alltypes' } });
    const schema = (await extractor.describe())._unsafeUnwrap();
    const byName = Object.fromEntries(schema.columns.map((c) => [c.name, c]));
    expect(schema.primaryKey).toEqual(['id']);
    expect(schema.columns.map((c) => [c.name, c.pgType, c.baseType, c.isArray])).toEqual([
      ['id', 'integer', 'int4', false],
      ['i2', 'smallint', 'int2', false],
      ['i8', 'bigint', 'int8', false],
      ['n38', 'numeric(38,10)', 'numeric', false],
      ['n', 'numeric', 'numeric', false],
      ['f4', 'real', 'float4', false],
      ['f8', 'double precision', 'float8', false],
      ['b', 'boolean', 'bool', false],
      ['t', 'text', 'text', false],
      ['vc', 'character varying(10)', 'varchar', false],
      ['ch', 'character(5)', 'bpchar', false],
      ['d', 'date', 'date', false],
      ['ts', 'timestamp without time zone', 'timestamp', false],
      ['tstz', 'timestamp with time zone', 'timestamptz', false],
      ['tm', 'time without time zone', 'time', false],
      ['u', 'uuid', 'uuid', false],
      ['j', 'json', 'json', false],
      ['jb', 'jsonb', 'jsonb', false],
      ['ia', 'integer[]', 'int4', true],
      ['ta', 'text[]', 'text', true],
      ['by', 'bytea', 'bytea', false],
      ['iv', 'interval', 'interval', false],
    ]);
    expect(byName.n38).toMatchObject({ precision: 38, scale: 10, nullable: true });
    expect(byName.n?.precision).toBeUndefined();
    expect(byName.vc?.length).toBe(10);
    expect(byName.ch?.length).toBe(5);
    expect(byName.id?.nullable).toBe(false);
  });

  it('describes a query from its result fields, and a column subset in the asked order', async () => {
    const q = createPostgresExtractor({ connection: { connectionString: url }, query: { name: 'q', sql: 'SELECT id, n38 * 2 AS dbl, ts::date AS day FROM alltypes' } });
    const schema = (await q.describe())._unsafeUnwrap();
    expect(schema.columns.map((c) => [c.name, c.pgType, c.baseType])).toEqual([
      ['id', 'integer', 'int4'],
      ['dbl', 'numeric', 'numeric'],
      ['day', 'date', 'date'],
    ]);
    expect(schema.primaryKey).toEqual([]);
    const sub = createPostgresExtractor({ connection: { connectionString: url }, table: { schema: 'public', name: 'alltypes' }, columns: ['tstz', 'n38'] });
    const s2 = (await sub.describe())._unsafeUnwrap();
    expect(s2.columns.map((c) => c.name)).toEqual(['tstz', 'n38']);
    expect(s2.primaryKey).toEqual([]);
  });

  it('columnar batches carry the same text as the CSV path', async () => {
    const extractor = createPostgresExtractor({ connection: { connectionString: url }, table: { schema: 'public', name: 'alltypes' }, batchRows: 2 });
    const x = (await extractor.extract({ kind: 'full' }, 'columnar'))._unsafeUnwrap();
    const rows: Array<Array<string | null>> = [];
    if (x.slices[0]!.encoding !== 'columnar') throw new Error('expected columnar');
    const sizes: number[] = [];
    for await (const b of x.slices[0]!.batches) {
      sizes.push(b.rowCount);
      for (let r = 0; r < b.rowCount; r++) rows.push(b.columns.map((col) => col[r] ?? null));
    }
    await x.close();
    expect(sizes).toEqual([2, 1]);
    expect(rows).toEqual(EXPECTED);
  });
});

describe('round trip through files, read back with DuckDB', () => {
  it('CSV (gzip): every value exactly as the conventions say, NULL vs empty string kept', async () => {
    const files = await writeParts(createCsvSerializer(), 'csv');
    expect(files).toHaveLength(1);
    const reader = await conn.runAndReadAll(
      `SELECT * FROM read_csv('${files[0]}', header = true, all_varchar = true, delim = ',', quote = '"', escape = '"', new_line = '\\n', allow_quoted_nulls = false, auto_detect = false, columns = {${COLUMNS.map(([n]) => `'${n}': 'VARCHAR'`).join(', ')}}) ORDER BY id::INT`,
    );
    expect(reader.getRowsJS()).toEqual(EXPECTED);
    // Typed read: the decimals sum exactly as DECIMAL(38,10), never through a double.
    const typed = await conn.runAndReadAll(`SELECT sum(n38::DECIMAL(38,10))::VARCHAR AS s FROM read_csv('${files[0]}', header = true, all_varchar = true, allow_quoted_nulls = false)`);
    expect(typed.getRowsJS()).toEqual([['9999999999999999999999999999.9999999998']]);
  });

  // Parquet stores typed values; DuckDB reads them typed and this SELECT renders them back in the
  // conventions' text, so equality means every value survived exactly.
  const PARQUET_AS_TEXT = `SELECT id::VARCHAR, i2::VARCHAR, i8::VARCHAR, n38::VARCHAR, n::VARCHAR,
      ${['f4', 'f8'].map((c) => `CASE WHEN ${c} IS NULL THEN NULL WHEN isnan(${c}) THEN 'NaN' WHEN isinf(${c}) AND ${c} > 0 THEN 'Infinity' WHEN isinf(${c}) THEN '-Infinity' ELSE ${c}::VARCHAR END`).join(', ')},
      CASE WHEN b IS NULL THEN NULL WHEN b THEN 't' ELSE 'f' END, t, vc, ch, d::VARCHAR,
      strftime(ts, '%Y-%m-%d %H:%M:%S.%f'), strftime(tstz::TIMESTAMP, '%Y-%m-%d %H:%M:%S.%f') || '+00:00',
      strftime(DATE '2000-01-01' + tm, '%H:%M:%S.%f'), u, j, jb, ia, ta, lower(hex("by")), iv`;

  for (const engine of ['arrow', 'parquetjs-lite'] as const) {
    it(`Parquet (${engine}): typed values read back exactly, NULL vs empty string kept`, async () => {
      const serializer = createParquetSerializer({ engine });
      const checked = serializer.check((await createPostgresExtractor({ connection: { connectionString: url }, table: { schema: 'public', name: 'alltypes' } }).describe())._unsafeUnwrap());
      if (checked.isErr()) {
        // An engine that cannot keep a column exact must refuse up front (parquetjs-lite has no DECIMAL).
        expect([engine, checked.error.kind]).toEqual(['parquetjs-lite', 'unsupported_value']);
        return;
      }
      const files = await writeParts(serializer, `pq-${engine}`);
      const reader = await conn.runAndReadAll(`${PARQUET_AS_TEXT} FROM read_parquet([${files.map((f) => `'${f}'`).join(', ')}]) ORDER BY id`);
      expect(reader.getRowsJS()).toEqual(EXPECTED);
      const typed = await conn.runAndReadAll(`SELECT typeof(n38) AS t, sum(n38)::VARCHAR AS s FROM read_parquet('${files[0]}') GROUP BY 1`);
      expect(typed.getRowsJS()).toEqual([['DECIMAL(38,10)', '9999999999999999999999999999.9999999998']]);
    });
  }
});
