import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParquetSerializer, type ColumnBatch, type PartBounds, type PartStats, type Serializer, type TableSchema } from '../src/index.js';
import { col } from './support/column.js';


const schema: TableSchema = {
  schema: 'public',
  name: 'everything',
  primaryKey: ['id'],
  columns: [
    col('id', 'bigint', 'int8', { nullable: false }),
    col('qty', 'smallint', 'int2'),
    col('n', 'integer', 'int4'),
    col('price', 'numeric(12,2)', 'numeric', { precision: 12, scale: 2 }),
    col('big', 'numeric(38,10)', 'numeric', { precision: 38, scale: 10 }),
    col('free', 'numeric', 'numeric'),
    col('f4', 'real', 'float4'),
    col('f8', 'double precision', 'float8'),
    col('ok', 'boolean', 'bool'),
    col('name', 'text', 'text'),
    col('uid', 'uuid', 'uuid'),
    col('iv', 'interval', 'interval'),
    col('d', 'date', 'date'),
    col('ts', 'timestamp without time zone', 'timestamp'),
    col('tstz', 'timestamp with time zone', 'timestamptz'),
    col('t', 'time without time zone', 'time'),
    col('j', 'jsonb', 'jsonb'),
    col('arr', 'integer[]', 'int4', { isArray: true }),
    col('blob', 'bytea', 'bytea'),
  ],
};

type Row = Array<string | null>;

// Hand-picked edge values, cycled over the rows; each row also gets a unique id.
const edge = {
  qty: ['-32768', '32767', '0', null],
  n: ['-2147483648', '2147483647', '42'],
  price: ['0.00', '-0.01', '9999999999.99', '19.99', null, '0.10'],
  big: ['1234567890123456789012345678.0123456789', '-9999999999999999999999999999.9999999999', '0.0000000001', null],
  free: ['3.14159265358979323846264338327950288419716939937510', '-1e-5'.replace('1e-5', '0.00001'), '123456789012345678901234567890123456789012345', null],
  f4: ['1.1', '-3.4028235e+38', 'NaN', 'Infinity', null],
  f8: ['0.1', '1e+300', '-Infinity', 'NaN', '-0', '2.2250738585072014e-308'],
  ok: ['t', 'f', null],
  name: ['plain', '', null, 'naïve ☃ "quoted", comma\nnewline', 'NA'],
  uid: ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', null],
  iv: ['P1Y2M3DT4H5M6.5S', 'PT0S', null],
  d: ['1969-12-31', '1900-01-01', '0001-01-01', '2026-11-25', '2000-02-29', null, '9999-12-31'],
  ts: ['1969-12-31 23:59:59.999999', '1900-01-01 00:00:00.000000', '2026-11-25 10:00:00.000001', null, '0001-01-01 00:00:00.000000'],
  tstz: ['2026-11-25 10:00:00.123456+00:00', '1969-12-31 23:59:59.999999+00:00', '1950-06-01 12:00:00.000000+00:00', null],
  t: ['00:00:00.000000', '23:59:59.999999', '12:34:56.000001', null],
  j: ['{"a": [1, 2, {"b": null}], "s": "x\\"y"}', '[]', null],
  arr: ['[1,2,3]', '[]', '[null,4]', null],
  blob: ['deadbeef00ff', '', null, '00'],
};
const keys = Object.keys(edge) as Array<keyof typeof edge>;

function makeRows(n: number): Row[] {
  return Array.from({ length: n }, (_, i) => [i === 1 ? '9007199254740993' : i === 2 ? '-9223372036854775808' : String(i * 10), ...keys.map((k) => edge[k][i % edge[k].length] ?? null)]);
}

/** Column batches of `size` rows, the shape the extractor produces. */
async function* batches(rows: readonly Row[], size: number): AsyncGenerator<ColumnBatch> {
  for (let i = 0; i < rows.length; i += size) {
    const slice = rows.slice(i, i + size);
    yield { rowCount: slice.length, columns: schema.columns.map((_, c) => slice.map((r) => r[c] ?? null)) };
  }
}

interface Written {
  readonly file: string;
  readonly stats: PartStats;
}

let dir: string;
let duck: DuckDBConnection;
let fileNo = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floe-parquet-'));
  duck = await (await DuckDBInstance.create(':memory:')).connect();
  await duck.run("SET TimeZone = 'UTC'");
});
afterAll(async () => {
  duck.closeSync();
  await rm(dir, { recursive: true, force: true });
});

async function write(ser: Serializer, s: TableSchema, source: AsyncIterable<ColumnBatch>, bounds: PartBounds): Promise<Written[]> {
  const out: Written[] = [];
  for await (const part of ser.serialize(s, { encoding: 'columnar', batches: source }, bounds)) {
    expect(part.extension).toBe('parquet');
    const chunks: Buffer[] = [];
    for await (const c of part.body) chunks.push(Buffer.from(c));
    const bytes = Buffer.concat(chunks);
    const stats = (await part.stats)._unsafeUnwrap();
    expect(stats.bytes).toBe(bytes.length);
    expect(stats.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    const file = join(dir, `p${fileNo++}.parquet`);
    await writeFile(file, bytes);
    out.push({ file, stats });
  }
  return out;
}

async function query(sql: string): Promise<unknown[][]> {
  return (await duck.runAndReadAll(sql)).getRows() as unknown[][];
}

const list = (parts: readonly Written[]) => `[${parts.map((p) => `'${p.file}'`).join(', ')}]`;

/** Text DuckDB produces for a value, normalised to PostgreSQL's forms where they differ. */
const backSql = `SELECT
  id::VARCHAR, qty::VARCHAR, n::VARCHAR, price::VARCHAR, big::VARCHAR, free,
  f4, f8, CASE WHEN ok IS NULL THEN NULL WHEN ok THEN 't' ELSE 'f' END, name, uid, iv,
  CASE WHEN d IS NULL THEN NULL ELSE strftime(d, '%Y-%m-%d') END,
  CASE WHEN ts IS NULL THEN NULL ELSE strftime(ts, '%Y-%m-%d %H:%M:%S.%f') END,
  CASE WHEN tstz IS NULL THEN NULL ELSE strftime(tstz, '%Y-%m-%d %H:%M:%S.%f') || '+00:00' END,
  CASE WHEN t IS NULL THEN NULL ELSE strftime(DATE '2000-01-01' + t, '%H:%M:%S.%f') END,
  j, arr, lower(hex(blob))`;

describe('createParquetSerializer (arrow engine)', () => {
  it('round-trips every type exactly through DuckDB, across row groups and parts', async () => {
    const rows = makeRows(1000);
    const parts = await write(createParquetSerializer({ rowGroupRows: 128 }), schema, batches(rows, 300), { maxRows: 400, maxBytes: 1 << 30 });
    expect(parts.map((p) => p.stats.rows)).toEqual([400, 400, 200]);
    const back = await query(`${backSql} FROM read_parquet(${list(parts)}) ORDER BY id`);
    const expected = [...rows].sort((a, b) => (BigInt(a[0]!) < BigInt(b[0]!) ? -1 : 1));
    expect(back).toHaveLength(1000);
    for (const [i, r] of back.entries()) {
      const e = expected[i]!;
      const floats = [r[6], r[7]].map((x) => (x === null ? null : Number(x)));
      const expectedFloats = [e[6], e[7]].map((x) => (x === null ? null : x === 'NaN' ? NaN : Number(x)));
      expect(floats[0]).toEqual(expectedFloats[0] === null ? null : Math.fround(expectedFloats[0]!));
      expect(Object.is(floats[1], expectedFloats[1]) || floats[1] === expectedFloats[1]).toBe(true);
      const text = r.map((x) => (x === null ? null : String(x)));
      const want: Array<string | null> = [...e];
      // DuckDB prints DECIMAL without PostgreSQL's trailing-zero-free quirks: same text for these.
      expect([...text.slice(0, 6), ...text.slice(8)]).toEqual([...want.slice(0, 6), ...want.slice(8)]);
    }
  });

  it('writes Parquet logical types from the catalog schema', async () => {
    const [part] = await write(createParquetSerializer(), schema, batches(makeRows(10), 10), { maxRows: 100, maxBytes: 1 << 30 });
    const types = Object.fromEntries((await query(`SELECT name, type, logical_type::VARCHAR FROM parquet_schema('${part!.file}')`)).map((r) => [String(r[0]), `${String(r[1])} ${String(r[2])}`]));
    expect(types.price).toMatch(/DecimalType\(scale=2, precision=12\)/);
    expect(types.big).toMatch(/DecimalType\(scale=10, precision=38\)/);
    expect(types.free).toMatch(/^BYTE_ARRAY StringType/);
    expect(types.id).toMatch(/^INT64/);
    expect(types.qty).toMatch(/^INT32 IntType/);
    expect(await query(`SELECT typeof(qty), typeof(n), typeof(id), typeof(d), typeof(ts), typeof(tstz), typeof(t), typeof(blob), typeof(price) FROM read_parquet('${part!.file}') LIMIT 1`)).toEqual([
      ['SMALLINT', 'INTEGER', 'BIGINT', 'DATE', 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE', 'TIME', 'BLOB', 'DECIMAL(12,2)'],
    ]);
    expect(types.ts).toMatch(/TimestampType\(isAdjustedToUTC=0, unit=TimeUnit\(MILLIS=<null>, MICROS=MicroSeconds/);
    expect(types.tstz).toMatch(/TimestampType\(isAdjustedToUTC=1, unit=TimeUnit\(MILLIS=<null>, MICROS=MicroSeconds/);
    expect(types.t).toMatch(/TimeType\(.*MICROS=MicroSeconds/);
    expect(types.d).toMatch(/^INT32 DateType/);
    expect(types.blob).toMatch(/^BYTE_ARRAY/);
    expect(types.blob).not.toMatch(/StringType/);
  });

  it('keeps money exact: the sum of 30 000 prices equals the exact decimal sum', async () => {
    const money = schema.columns.filter((c) => c.name === 'id' || c.name === 'price');
    const s: TableSchema = { ...schema, columns: money };
    let exactCents = 0n;
    async function* gen(): AsyncGenerator<ColumnBatch> {
      for (let b = 0; b < 30; b++) {
        const ids: string[] = [];
        const prices: string[] = [];
        for (let i = 0; i < 1000; i++) {
          const k = b * 1000 + i;
          const cents = BigInt((k * 7919) % 100_000_000) * (k % 3 === 0 ? -1n : 1n) + 1n;
          exactCents += cents;
          const abs = cents < 0n ? -cents : cents;
          ids.push(String(k));
          prices.push(`${cents < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`);
        }
        yield { rowCount: 1000, columns: [ids, prices] };
      }
    }
    const parts = await write(createParquetSerializer({ rowGroupRows: 4096 }), s, gen(), { maxRows: 1_000_000, maxBytes: 1 << 30 });
    const [[sum, count]] = (await query(`SELECT sum(price)::VARCHAR, count(*)::INTEGER FROM read_parquet(${list(parts)})`)) as [[string, number]];
    const abs = exactCents < 0n ? -exactCents : exactCents;
    expect(count).toBe(30_000);
    expect(sum).toBe(`${exactCents < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`);
  });

  it('rolls over at maxBytes between row groups', async () => {
    const rows = makeRows(3000);
    const parts = await write(createParquetSerializer({ rowGroupRows: 100 }), schema, batches(rows, 250), { maxRows: 1_000_000, maxBytes: 20_000 });
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.reduce((a, p) => a + p.stats.rows, 0)).toBe(3000);
    for (const p of parts.slice(0, -1)) expect(p.stats.rows % 100).toBe(0);
    const [[count, distinct]] = (await query(`SELECT count(*)::INTEGER, count(DISTINCT id)::INTEGER FROM read_parquet(${list(parts)})`)) as [[number, number]];
    expect([count, distinct]).toEqual([3000, 3000]);
  });

  it.each(['zstd', 'none'] as const)('writes %s compression readable by DuckDB', async (compression) => {
    const parts = await write(createParquetSerializer({ compression }), schema, batches(makeRows(50), 50), { maxRows: 100, maxBytes: 1 << 30 });
    const [[codec]] = (await query(`SELECT DISTINCT compression FROM parquet_metadata('${parts[0]!.file}')`)) as [[string]];
    expect(codec).toBe(compression === 'none' ? 'UNCOMPRESSED' : 'ZSTD');
    expect((await query(`SELECT count(*)::INTEGER FROM read_parquet('${parts[0]!.file}')`))[0]?.[0]).toBe(50);
  });

  it('writes one zero-row part, with the schema, for an empty input', async () => {
    const parts = await write(createParquetSerializer(), schema, batches([], 10), { maxRows: 100, maxBytes: 1 << 30 });
    expect(parts.map((p) => p.stats.rows)).toEqual([0]);
    expect((await query(`SELECT count(*)::INTEGER FROM read_parquet('${parts[0]!.file}')`))[0]?.[0]).toBe(0);
    expect((await query(`SELECT count(*)::INTEGER FROM parquet_schema('${parts[0]!.file}')`))[0]?.[0]).toBe(schema.columns.length + 1);
  });

  it.each([
    ['price', '12.345', 'more than 2 fraction digits'],
    ['price', '12345678901.00', 'overflows DECIMAL(12,2)'],
    ['price', 'NaN', 'NaN'],
    ['free', 'Infinity', 'Infinity'],
    ['d', 'infinity', 'infinity'],
  ])('refuses %s = %s with unsupported_value naming the column', async (name, value, fragment) => {
    const c = schema.columns.findIndex((x) => x.name === name);
    const rows = makeRows(20);
    rows[13]![c] = value;
    const ser = createParquetSerializer();
    const errors: unknown[] = [];
    for await (const part of ser.serialize(schema, { encoding: 'columnar', batches: batches(rows, 7) }, { maxRows: 100, maxBytes: 1 << 30 })) {
      await expect(async () => {
        for await (const _ of part.body) void _;
      }).rejects.toBeDefined();
      const stats = await part.stats;
      errors.push(stats.isErr() ? stats.error : null);
    }
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ kind: 'unsupported_value', object: name });
    expect((errors[0] as { message: string }).message).toContain(fragment);
  });

  it('stores BC dates and timestamps on the proleptic Gregorian calendar DuckDB uses', async () => {
    const s: TableSchema = { ...schema, columns: schema.columns.filter((c) => ['id', 'd', 'ts'].includes(c.name)) };
    const parts = await write(createParquetSerializer(), s, (async function* () {
      yield { rowCount: 2, columns: [['1', '2'], ['0044-03-15 BC', '0001-12-31 BC'], ['0001-12-31 23:59:59.000001 BC', '0044-03-15 12:00:00.5 BC']] };
    })(), { maxRows: 10, maxBytes: 1 << 30 });
    expect(await query(`SELECT d::VARCHAR, ts::VARCHAR FROM read_parquet('${parts[0]!.file}') ORDER BY id`)).toEqual([
      ['0044-03-15 (BC)', '0001-12-31 (BC) 23:59:59.000001'],
      ['0001-12-31 (BC)', '0044-03-15 (BC) 12:00:00.5'],
    ]);
  });

  it('keeps numeric values with extra zero fraction digits exact (no rounding needed)', async () => {
    const s: TableSchema = { ...schema, columns: [schema.columns[0]!, schema.columns[3]!] };
    const parts = await write(createParquetSerializer(), s, (async function* () {
      yield { rowCount: 2, columns: [['1', '2'], ['10.5000', '-0.010']] };
    })(), { maxRows: 10, maxBytes: 1 << 30 });
    expect(await query(`SELECT price::VARCHAR FROM read_parquet('${parts[0]!.file}') ORDER BY id`)).toEqual([['10.50'], ['-0.01']]);
  });
});

describe('createParquetSerializer (parquetjs-lite engine)', () => {
  const lite = () => createParquetSerializer({ engine: 'parquetjs-lite', rowGroupRows: 64 });

  it('refuses numeric columns up front, naming the column and pointing to the arrow engine', () => {
    const e = lite().check(schema)._unsafeUnwrapErr();
    expect(e.kind).toBe('unsupported_value');
    expect(e.object).toBe('price');
    expect(e.hint).toContain("'arrow'");
    const time = lite().check({ ...schema, columns: schema.columns.filter((c) => c.name === 't') })._unsafeUnwrapErr();
    expect([time.kind, time.object]).toEqual(['unsupported_value', 't']);
    expect(createParquetSerializer().check(schema).isOk()).toBe(true);
  });

  const liteSchema: TableSchema = { ...schema, columns: schema.columns.filter((c) => c.baseType !== 'numeric' && c.baseType !== 'time') };
  const liteRows = (n: number) => {
    const idx = liteSchema.columns.map((c) => schema.columns.indexOf(c));
    return makeRows(n)
      .filter((_, i) => i !== 1 && i !== 2) // ids beyond ±2^53
      .map((r) => r.map((v) => (v === 'NaN' ? '-1.5' : v))) // parquetjs-lite refuses NaN
      .map((r) => idx.map((i) => r[i] ?? null))
      .map((r) => {
        const d = liteSchema.columns.findIndex((c) => c.name === 'd');
        const ts = liteSchema.columns.findIndex((c) => c.name === 'ts');
        const tstz = liteSchema.columns.findIndex((c) => c.name === 'tstz');
        // parquetjs-lite cannot store instants before 1970.
        if (r[d] !== null && r[d]! < '1970') r[d] = '2001-02-03';
        if (r[ts] !== null && r[ts]! < '1970') r[ts] = '2001-02-03 04:05:06.789012';
        if (r[tstz] !== null && r[tstz]! < '1970') r[tstz] = '2001-02-03 04:05:06.789012+00:00';
        return r;
      });
  };
  async function* liteBatches(rows: readonly Row[], size: number): AsyncGenerator<ColumnBatch> {
    for (let i = 0; i < rows.length; i += size) {
      const slice = rows.slice(i, i + size);
      yield { rowCount: slice.length, columns: liteSchema.columns.map((_, c) => slice.map((r) => r[c] ?? null)) };
    }
  }

  it('writes the other types exactly (DuckDB read-back), rolling over at maxRows', async () => {
    const rows = liteRows(300);
    const parts = await write(lite(), liteSchema, liteBatches(rows, 100), { maxRows: 150, maxBytes: 1 << 30 });
    expect(parts.map((p) => p.stats.rows)).toEqual([150, 148]);
    const back = await query(`SELECT id::VARCHAR, qty::VARCHAR, n::VARCHAR, CASE WHEN ok IS NULL THEN NULL WHEN ok THEN 't' ELSE 'f' END, name, uid, iv,
      CASE WHEN d IS NULL THEN NULL ELSE strftime(d, '%Y-%m-%d') END,
      CASE WHEN ts IS NULL THEN NULL ELSE strftime(ts::TIMESTAMP, '%Y-%m-%d %H:%M:%S.%f') END,
      CASE WHEN tstz IS NULL THEN NULL ELSE strftime(tstz::TIMESTAMP, '%Y-%m-%d %H:%M:%S.%f') || '+00:00' END,
      j, arr, lower(hex(blob))
      FROM read_parquet(${list(parts)}) ORDER BY id`);
    const names = ['id', 'qty', 'n', 'ok', 'name', 'uid', 'iv', 'd', 'ts', 'tstz', 'j', 'arr', 'blob'];
    const idx = names.map((n) => liteSchema.columns.findIndex((c) => c.name === n));
    const expected = [...rows].sort((a, b) => Number(a[0]) - Number(b[0])).map((r) => idx.map((i) => r[i] ?? null));
    expect(back.map((r) => r.map((x) => (x === null ? null : String(x))))).toEqual(expected);
  });

  it.each([
    ['d', '1969-12-31', 'before 1970'],
    ['id', '9007199254740993', '2^53'],
    ['f8', 'NaN', 'NaN'],
  ])('fails %s = %s with unsupported_value instead of storing a different value', async (name, value, fragment) => {
    const rows = liteRows(10);
    rows[4]![liteSchema.columns.findIndex((c) => c.name === name)] = value;
    const errors: unknown[] = [];
    for await (const part of lite().serialize(liteSchema, { encoding: 'columnar', batches: liteBatches(rows, 10) }, { maxRows: 100, maxBytes: 1 << 30 })) {
      await expect(async () => {
        for await (const _ of part.body) void _;
      }).rejects.toBeDefined();
      errors.push((await part.stats).isErr() ? (await part.stats)._unsafeUnwrapErr() : null);
    }
    expect(errors[0]).toMatchObject({ kind: 'unsupported_value', object: name });
    expect((errors[0] as { message: string }).message).toContain(fragment);
  });
});
