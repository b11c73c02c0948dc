import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { planSetup, rsaPublicKeyStep, SnowflakeDdlError, type FloeSnowflakeSetup } from '../src/index.js';
import { salesSnowflakeSetup } from '../../../examples/sales/src/snowflake-preset.js';
import { tokenize } from './helpers/sql-tokens.js';

const bareText = (sql: string) => tokenize(sql).filter((x) => x.kind === 'bare').map((x) => x.text).join(' ');

describe.each(['csv', 'parquet'] as const)('pipes and integrations (%s)', (format) => {
  const steps = planSetup(salesSnowflakeSetup({ format })).steps;
  const pipe = steps.find((s) => s.object.type === 'PIPE' && s.sql.startsWith('CREATE'))!;

  it('pipe COPY never carries options a pipe forbids', () => {
    expect(pipe.sql).toMatch(/^CREATE PIPE IF NOT EXISTS "FLOE"."SALES"."SALES_PIPE"\n {2}AUTO_INGEST = TRUE\n/);
    for (const forbidden of ['FILES', 'ON_ERROR', 'SIZE_LIMIT', 'PURGE', 'RETURN_FAILED_ONLY', 'VALIDATION_MODE', 'FORCE']) {
      expect(bareText(pipe.sql), forbidden).not.toMatch(new RegExp(`\\b${forbidden}\\b`));
    }
  });

  it('pipe loads only part files from the table path, with the run id from the key', () => {
    expect(pipe.sql).toContain(`FROM @"FLOE"."SALES"."FLOE_STAGE"/sales/\n`);
    expect(pipe.sql).toContain(`PATTERN = '.*part-[0-9]+[.](csv[.]gz|parquet)'`);
    expect(pipe.sql).toContain(`REGEXP_SUBSTR(METADATA$FILENAME, 'run=([^/]+)/', 1, 1, 'e')`);
    const pattern = /.*part-[0-9]+[.](csv[.]gz|parquet)/;
    expect(pattern.test('dt=2005-05-31/run=20261126T101500123Z-3f9a1c2e/part-00000.csv.gz')).toBe(true);
    expect(pattern.test('dt=2005-05-31/run=20261126T101500123Z-3f9a1c2e/_manifest.json')).toBe(false);
    const runId = /run=([^/]+)\//.exec('floe/sales/dt=2005-05-31/run=20261126T101500123Z-3f9a1c2e/part-00000.csv.gz')?.[1];
    expect(runId).toBe('20261126T101500123Z-3f9a1c2e');
  });

  it('integration is never replaced and is limited to the staging prefix', () => {
    const integ = steps.filter((s) => s.object.type === 'INTEGRATION');
    expect(integ.map((s) => s.sql.split('\n')[0])).toEqual(['CREATE STORAGE INTEGRATION IF NOT EXISTS "FLOE_S3"', 'DESC STORAGE INTEGRATION "FLOE_S3"']);
    expect(integ[0]!.sql).toContain(`STORAGE_ALLOWED_LOCATIONS = ('s3://floe-staging-example/floe/')`);
    expect(integ[1]).toMatchObject({ kind: 'read', returns: ['STORAGE_AWS_IAM_USER_ARN', 'STORAGE_AWS_EXTERNAL_ID'] });
    const stage = steps.find((s) => s.object.type === 'STAGE')!;
    expect(stage.sql).toContain(`URL = 's3://floe-staging-example/floe/'`);
    for (const s of steps) expect(s.sql, s.id).not.toMatch(/OR REPLACE (STORAGE )?INTEGRATION|OR REPLACE PIPE|OR REPLACE STREAM|OR REPLACE TABLE/);
  });

  it('file format encodes NULL as the unquoted empty field only', () => {
    const ff = steps.find((s) => s.object.type === 'FILE FORMAT')!.sql;
    expect(ff).toContain('NULL_IF = ()');
    if (format === 'csv') {
      for (const line of ['TYPE = CSV', 'COMPRESSION = GZIP', "RECORD_DELIMITER = '\\n'", "FIELD_DELIMITER = ','", 'SKIP_HEADER = 1', `FIELD_OPTIONALLY_ENCLOSED_BY = '"'`, 'ESCAPE = NONE', 'ESCAPE_UNENCLOSED_FIELD = NONE', 'EMPTY_FIELD_AS_NULL = TRUE', 'ERROR_ON_COLUMN_COUNT_MISMATCH = TRUE', 'BINARY_FORMAT = HEX']) {
        expect(ff.split('\n').map((l) => l.trim()), line).toContain(line);
      }
    } else {
      for (const line of ['TYPE = PARQUET', 'BINARY_AS_TEXT = FALSE', 'USE_LOGICAL_TYPE = TRUE']) expect(ff.split('\n').map((l) => l.trim()), line).toContain(line);
    }
  });

  it('task merges all targets in one transaction, latest run wins, and only when the stream has rows', () => {
    const task = steps.find((s) => s.object.type === 'TASK' && s.sql.startsWith('CREATE'))!.sql;
    expect(task).toContain(`SCHEDULE = 'USING CRON 0 3 * * * UTC'`);
    expect(task).toContain(`WHEN SYSTEM$STREAM_HAS_DATA('"FLOE"."SALES"."SALES_LANDING_STREAM"')`);
    expect(task.match(/BEGIN TRANSACTION;/g)).toHaveLength(1);
    expect(task.match(/\n {2}COMMIT;/g)).toHaveLength(1);
    expect([...task.matchAll(/MERGE INTO ("[^"]+"\."[^"]+"\."[^"]+")/g)].map((m) => m[1])).toEqual(['"FLOE"."SALES"."SALES"', '"FLOE"."SALES"."INVOICES"', '"FLOE"."SALES"."ITEMS"']);
    expect(task).toContain('QUALIFY ROW_NUMBER() OVER (PARTITION BY "ORDERNUMBER", "ORDERLINENUMBER" ORDER BY "_FLOE_RUN_ID" DESC, "_FLOE_ROW" DESC) = 1');
    expect(task).toContain('WHEN MATCHED AND s."_FLOE_RUN_ID" >= t."_FLOE_RUN_ID" THEN UPDATE SET');
  });
});

describe('config errors name the key and say what to do', () => {
  const base = salesSnowflakeSetup();
  const bad = (patch: Partial<FloeSnowflakeSetup>, object: string) => {
    const e = (() => { try { planSetup({ ...base, ...patch }); } catch (x) { return x; } })();
    expect(e).toBeInstanceOf(SnowflakeDdlError);
    expect((e as SnowflakeDdlError).object).toBe(object);
    expect((e as SnowflakeDdlError).hint.length).toBeGreaterThan(10);
  };
  it.each([
    [{ integration: { name: 'I', awsRoleArn: 'arn:aws:iam::123:role/x' } }, 'integration.awsRoleArn'],
    [{ s3: { bucket: 'Bad_Bucket', prefix: 'p' } }, 's3.bucket'],
    [{ s3: { bucket: 'ok-bucket', prefix: "p'; x" } }, 's3.prefix'],
    [{ schedule: { cron: '0 3 * *', timeZone: 'UTC' } }, 'schedule.cron'],
    [{ schedule: { cron: "0 3 * * * ' x", timeZone: 'UTC' } }, 'schedule.cron'],
    [{ schedule: { cron: '0 3 * * *', timeZone: "UTC'" } }, 'schedule.timeZone'],
    [{ tables: [] }, 'tables'],
  ] as const)('%o', (patch, object) => bad(patch as Partial<FloeSnowflakeSetup>, object));

  it('refuses a table without key, a key that is not a column, and a derived table that collides', () => {
    const table = base.tables[0]!;
    expect(() => planSetup({ ...base, tables: [{ ...table, source: { ...table.source, primaryKey: [] } }] })).toThrow(/no primary key/);
    expect(() => planSetup({ ...base, tables: [{ ...table, keys: ['nope'] }] })).toThrow(/not a column/);
    expect(() => planSetup({ ...base, tables: [{ ...table, derived: [{ ...table.derived![0]!, name: 'Sales_Landing' }] }] })).toThrow(/both become "SALES_LANDING"/);
    expect(() => planSetup({ ...base, tables: [{ ...table, path: 'a/b' }] })).toThrow(/path segment/);
  });
});

describe('rsaPublicKeyStep', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const der = publicKey.export({ type: 'spki', format: 'der' });

  it('sets the base64 DER body of the public key', () => {
    const s = rsaPublicKeyStep('floe_svc', pem);
    expect(s.sql).toBe(`ALTER USER "FLOE_SVC" SET RSA_PUBLIC_KEY = '${der.toString('base64')}'`);
    expect(Buffer.from(s.sql.split("'")[1]!, 'base64').equals(der)).toBe(true);
  });

  it('refuses a private key or garbage, and never echoes it', () => {
    const priv = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const e = (() => { try { rsaPublicKeyStep('svc', priv); } catch (x) { return x as SnowflakeDdlError; } })();
    expect(e).toBeInstanceOf(SnowflakeDdlError);
    expect(`${e?.message} ${e?.hint}`).not.toContain(priv.split('\n')[1]!);
    expect(() => rsaPublicKeyStep('svc', 'hello')).toThrow(SnowflakeDdlError);
  });
});
