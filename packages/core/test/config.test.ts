import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ENV_OVERRIDES } from '../src/config/config-env.js';
import { loadConfig, parseConfig } from '../src/config/config-load.js';
import { findTable, objectNames } from '../src/config/config-names.js';
import { sampleConfig } from '../src/config/config-sample.js';
import { formatError, type FloeError } from '../src/errors.js';
import { envBoolean, envInteger, envString, requireSecretEnv } from '../src/env/env-read.js';
import { mapQueryError } from '../src/snowflake/snowflake-errors.js';

/** A small valid config; tests change one thing at a time. */
function base(): Record<string, unknown> {
  return {
    source: { host: 'db.internal', database: 'shop', user: 'floe' },
    tables: [{ name: 'sales', source: { table: 'sales' }, window: { kind: 'day', column: 'orderdate' } }],
    storage: { kind: 'local', dir: './out' },
  };
}

function withSnowflake(auth: Record<string, unknown> = { kind: 'pat' }): Record<string, unknown> {
  return {
    ...base(),
    snowflake: { account: 'myorg-acct', user: 'FLOE', role: 'FLOE_ROLE', warehouse: 'WH', database: 'DB', auth },
  };
}

function failure(object: unknown, env: Record<string, string> = {}): FloeError {
  const r = parseConfig(object, env);
  if (r.isOk()) throw new Error(`expected a config error, got ${JSON.stringify(r.value)}`);
  return r.error;
}

describe('parseConfig: defaults', () => {
  it('fills every default and gives a day window the run time zone', () => {
    const c = parseConfig({ ...base(), run: { timeZone: 'Europe/Paris' } }, {})._unsafeUnwrap();
    const t = c.tables[0]!;
    expect(t.format).toBe('csv');
    expect(t.parquetEngine).toBe('arrow');
    expect(t.bounds).toEqual({ maxRows: 5_000_000, maxBytes: 1024 * 1024 * 1024 });
    expect(t.source).toEqual({ schema: 'public', table: 'sales' });
    expect(t.window).toEqual({ kind: 'day', column: 'orderdate', timeZone: 'Europe/Paris' });
    expect(c.source.port).toBe(5432);
    expect(c.source.passwordEnv).toBe('PGPASSWORD');
    expect(c.run).toEqual({ timeZone: 'Europe/Paris', parallel: 1 });
    expect(c.snowflake).toBeUndefined();
  });

  it('derives Snowflake object names from the table name', () => {
    const c = parseConfig(withSnowflake(), { SNOWFLAKE_TOKEN: 'pat-token-value-1' })._unsafeUnwrap();
    expect(c.snowflake?.auth).toEqual({ kind: 'pat', tokenEnv: 'SNOWFLAKE_TOKEN' });
    expect(objectNames(c.snowflake!, c.tables[0]!)).toEqual({
      integration: 'FLOE_S3_INTEGRATION',
      stage: 'FLOE_STAGE',
      fileFormat: 'FLOE_CSV',
      landing: 'SALES_LANDING',
      target: 'SALES',
      pipe: 'SALES_PIPE',
      stream: 'SALES_LANDING_STREAM',
      task: 'SALES_MERGE',
    });
    expect(c.snowflake?.task).toEqual({ schedule: '*/15 * * * *', timeZone: 'UTC' });
  });

  it('defaults key-pair auth to the SNOWFLAKE_PRIVATE_KEY variable', () => {
    const c = parseConfig(withSnowflake({ kind: 'keypair' }), { SNOWFLAKE_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----' })._unsafeUnwrap();
    expect(c.snowflake?.auth).toEqual({ kind: 'keypair', privateKeyEnv: 'SNOWFLAKE_PRIVATE_KEY' });
    expect(c.secrets.snowflake?.kind).toBe('keypair');
  });

  it('parses the sample config floe init writes', () => {
    const c = parseConfig(parseYaml(sampleConfig()), {}, { baseDir: '/cfg' })._unsafeUnwrap();
    expect(c.tables.map((t) => t.name)).toEqual(['sales']);
    expect(c.tables[0]?.primaryKey).toEqual(['ordernumber', 'orderlinenumber']);
    expect(c.storage).toMatchObject({ kind: 's3', bucket: 'my-floe-bucket', prefix: 'floe' });
    expect(c.secrets.snowflake).toEqual({ kind: 'keypair', privateKey: { path: '/cfg/floe_svc.p8' } });
  });

  it('finds a table by name or lists the known ones', () => {
    const c = parseConfig(base(), {})._unsafeUnwrap();
    expect(findTable(c, 'sales')._unsafeUnwrap().name).toBe('sales');
    const e = findTable(c, 'orders')._unsafeUnwrapErr();
    expect(e.kind).toBe('config');
    expect(e.hint).toContain('sales');
  });
});

describe('parseConfig: validation messages name the key path', () => {
  it('a wrong type', () => {
    const c = base();
    (c['tables'] as Array<Record<string, unknown>>)[0]!['window'] = { kind: 'day', column: 5 };
    const e = failure(c);
    expect(e.kind).toBe('config');
    expect(e.object).toBe('tables[0].window.column');
    expect(e.message).toContain('tables[0].window.column: expected string, got number');
  });

  it('a missing key', () => {
    const c = base();
    (c['tables'] as Array<Record<string, unknown>>)[0]!['window'] = { kind: 'cursor' };
    const e = failure(c);
    expect(e.object).toBe('tables[0].window.column');
    expect(e.message).toContain('is required (expected string)');
  });

  it('an unknown key (a typo)', () => {
    const c = base();
    (c['tables'] as Array<Record<string, unknown>>)[0]!['formt'] = 'csv';
    const e = failure(c);
    expect(e.object).toBe('tables[0].formt');
    expect(e.message).toContain('is not a known key');
  });

  it('an unknown window kind lists the accepted ones', () => {
    const c = base();
    (c['tables'] as Array<Record<string, unknown>>)[0]!['window'] = { kind: 'hourly', column: 'x' };
    const e = failure(c);
    expect(e.object).toBe('tables[0].window.kind');
    expect(e.message).toMatch(/day.*cursor.*full/);
  });

  it('a bad enum value, an invalid time zone and a bad bucket in one error', () => {
    const c: Record<string, unknown> = { ...base(), storage: { kind: 's3', bucket: 'Not_A_Bucket' }, run: { timeZone: 'Mars/Olympus' } };
    (c['tables'] as Array<Record<string, unknown>>)[0]!['format'] = 'xlsx';
    const e = failure(c);
    expect(e.object).toBe('tables[0].format');
    expect(e.message).toContain('tables[0].format: expected one of "csv", "parquet"');
    expect(e.message).toContain('storage.bucket: must be an S3 bucket name');
    expect(e.message).toContain('run.timeZone: must be an IANA time zone');
  });

  it('a table source that is neither a table nor a query reports the closest shape', () => {
    const c = base();
    (c['tables'] as Array<Record<string, unknown>>)[0]!['source'] = { schema: 'public' };
    const e = failure(c);
    expect(e.object).toBe('tables[0].source.table');
  });

  it('duplicate table names and a missing roleArn with S3 storage', () => {
    const c = withSnowflake();
    c['storage'] = { kind: 's3', bucket: 'floe-bucket' };
    c['tables'] = [...(c['tables'] as unknown[]), ...(c['tables'] as unknown[])];
    const e = failure(c, { SNOWFLAKE_TOKEN: 'x'.repeat(12) });
    expect(e.message).toContain('tables[1].name: duplicates tables[0].name "sales"');
    expect(e.message).toContain('snowflake.roleArn: is required with S3 storage');
  });

  it('host/database/user are required without a URL', () => {
    const e = failure({ ...base(), source: { host: 'h' } });
    expect(e.message).toContain('source.database: is required when source.url is not given');
    expect(e.message).toContain('source.user: is required');
  });

  it('a password inside source.url is refused without printing it', () => {
    const e = failure({ ...base(), source: { url: 'postgres://floe:Hunter2Secret@db:5432/shop' } });
    expect(e.object).toBe('source.url');
    expect(e.message).toContain('must not contain a password');
    expect(formatError(e)).not.toContain('Hunter2Secret');
  });

  it('a secret value written where a variable name belongs is refused', () => {
    const e = failure(withSnowflake({ kind: 'password', passwordEnv: 'my pass word!' }));
    expect(e.object).toBe('snowflake.auth.passwordEnv');
    expect(e.message).toContain('must be an environment variable name');
    expect(e.message).not.toContain('my pass word!');
  });
});

describe('parseConfig: secrets come from the environment', () => {
  it('a missing Snowflake secret is an error naming the variable and the key', () => {
    const e = failure(withSnowflake({ kind: 'keypair', privateKeyEnv: 'SF_KEY' }));
    expect(e.kind).toBe('config');
    expect(e.object).toBe('snowflake.auth.privateKeyEnv');
    expect(e.message).toContain('SF_KEY');
  });

  it('a command that does not sign in to Snowflake does not need its secret', () => {
    const c = parseConfig(withSnowflake({ kind: 'keypair', privateKeyEnv: 'SF_KEY' }), {}, { requireSecrets: ['source'] })._unsafeUnwrap();
    expect(c.secrets.snowflake).toBeUndefined();
  });

  it('the default PGPASSWORD may be unset, another chosen variable may not', () => {
    expect(parseConfig(base(), {})._unsafeUnwrap().secrets.sourcePassword).toBeUndefined();
    const e = failure({ ...base(), source: { url: 'postgres://floe@db/shop', passwordEnv: 'SHOP_DB_PASSWORD' } });
    expect(e.object).toBe('source.passwordEnv');
    expect(e.message).toContain('SHOP_DB_PASSWORD');
  });

  it('secret values never print: not in JSON, not in inspect, not in any FloeError', () => {
    const token = 'pat-9f8e7d6c5b4a-SECRET';
    const pg = 'pg-Pa55word-SECRET';
    const c = parseConfig(withSnowflake({ kind: 'pat', tokenEnv: 'MY_PAT' }), { MY_PAT: token, PGPASSWORD: pg })._unsafeUnwrap();
    const creds = c.secrets.snowflake;
    expect(creds?.kind === 'pat' && creds.token.reveal()).toBe(token);
    expect(c.secrets.sourcePassword?.reveal()).toBe(pg);
    const printed = [JSON.stringify(c), inspect(c, { depth: 10 }), `${c.secrets.sourcePassword}`].join('\n');
    expect(printed).not.toContain(token);
    expect(printed).not.toContain(pg);
    // Even a driver error that echoes the secret is scrubbed once it becomes a FloeError.
    const e = mapQueryError({ code: '002003', message: `bad token ${token} for user; pg ${pg}` }, 'SELECT 1');
    expect(formatError(e)).not.toContain(token);
    expect(formatError(e)).not.toContain(pg);
    expect(e.message).toContain('***');
  });
});

describe('environment overrides', () => {
  it('override the file, with types converted', () => {
    const c = parseConfig(withSnowflake(), {
      FLOE_SOURCE_URL: 'postgres://etl@pg.prod:6432/shop',
      FLOE_S3_BUCKET: 'prod-floe',
      FLOE_S3_ENDPOINT: 'http://127.0.0.1:4569',
      FLOE_S3_FORCE_PATH_STYLE: 'true',
      FLOE_SNOWFLAKE_ACCOUNT: 'prodorg-acct',
      FLOE_SNOWFLAKE_ROLE_ARN: 'arn:aws:iam::123456789012:role/floe',
      FLOE_RUN_PARALLEL: '4',
      SNOWFLAKE_TOKEN: 'token-value-xyz',
    })._unsafeUnwrap();
    expect(c.source.url).toBe('postgres://etl@pg.prod:6432/shop');
    // A bucket switches the (local) storage of the file to S3.
    expect(c.storage).toEqual({ kind: 's3', bucket: 'prod-floe', prefix: 'floe', region: 'us-east-1', endpoint: 'http://127.0.0.1:4569', forcePathStyle: true });
    expect(c.snowflake?.account).toBe('prodorg-acct');
    expect(c.run.parallel).toBe(4);
  });

  it('a folder switches S3 storage to local', () => {
    const c = parseConfig({ ...base(), storage: { kind: 's3', bucket: 'b-u-c' } }, { FLOE_LOCAL_DIR: '/data/out' })._unsafeUnwrap();
    expect(c.storage).toEqual({ kind: 'local', dir: '/data/out' });
  });

  it('a bad override is reported under its key and names the variable', () => {
    const e = failure(base(), { FLOE_S3_BUCKET: 'UPPER_case' });
    expect(e.object).toBe('storage.bucket');
    expect(e.message).toContain('(value from FLOE_S3_BUCKET)');
    const n = failure(base(), { FLOE_RUN_PARALLEL: 'many' });
    expect(n.object).toBe('FLOE_RUN_PARALLEL');
    expect(n.message).toContain('whole number');
  });

  it('every override names a key the schema knows', () => {
    for (const o of ENV_OVERRIDES) expect(o.key).toMatch(/^(source|storage|snowflake|run)\.[a-zA-Z]+$/);
    expect(new Set(ENV_OVERRIDES.map((o) => o.env)).size).toBe(ENV_OVERRIDES.length);
  });
});

describe('loadConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'floe-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads YAML and resolves a relative key path against the file', async () => {
    const path = join(dir, 'floe.yaml');
    await writeFile(path, sampleConfig());
    const c = (await loadConfig(path, {}))._unsafeUnwrap();
    expect(c.secrets.snowflake).toEqual({ kind: 'keypair', privateKey: { path: join(dir, 'floe_svc.p8') } });
  });

  it('reads JSON', async () => {
    const path = join(dir, 'floe.json');
    await writeFile(path, JSON.stringify(base()));
    expect((await loadConfig(path, {}))._unsafeUnwrap().tables[0]?.name).toBe('sales');
  });

  it('a missing file and a syntax error are config errors', async () => {
    const missing = (await loadConfig(join(dir, 'nope.yaml'), {}))._unsafeUnwrapErr();
    expect(missing.kind).toBe('config');
    expect(missing.message).toContain('does not exist');
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'source:\n  host: [unclosed\n');
    const e = (await loadConfig(bad, {}))._unsafeUnwrapErr();
    expect(e.kind).toBe('config');
    expect(e.message).toContain('could not be parsed');
  });
});

describe('env helpers (shared by the CLI and the Lambda)', () => {
  it('treat blank as unset and convert types', () => {
    expect(envString({ A: '  ' }, 'A')).toBeUndefined();
    expect(envInteger({ N: '8' }, 'N')._unsafeUnwrap()).toBe(8);
    expect(envInteger({ N: '8.5' }, 'N')._unsafeUnwrapErr().object).toBe('N');
    expect(envBoolean({ B: 'Yes' }, 'B')._unsafeUnwrap()).toBe(true);
    expect(envBoolean({ B: 'maybe' }, 'B')._unsafeUnwrapErr().kind).toBe('config');
  });

  it('a required secret is registered so no error can print it', () => {
    const value = 'lambda-secret-Zq81';
    expect(requireSecretEnv({ S: value }, 'S', 'test')._unsafeUnwrap()).toBe(value);
    expect(formatError(mapQueryError({ message: `boom ${value}` }, 'SELECT 1'))).not.toContain(value);
    expect(requireSecretEnv({}, 'S', 'the test token')._unsafeUnwrapErr().message).toContain('S is not set (the test token)');
  });
});
