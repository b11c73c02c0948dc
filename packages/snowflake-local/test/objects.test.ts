import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUCKET, failure, ROLE_ARN, stageSetup, startHarness, type Harness } from './objects-harness.js';

describe('storage integrations, file formats and stages (through snowflake-sdk)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('DESC INTEGRATION gives the IAM user and external id a trust policy needs, stable across calls', async () => {
    await h.sql(...stageSetup('floe/'));
    const desc = await h.sql('DESC INTEGRATION FLOE_S3');
    const prop = (name: string): unknown => desc.find((r) => r.property === name)?.property_value;
    expect(Object.keys(desc[0] ?? {})).toEqual(['property', 'property_type', 'property_value', 'property_default']);
    expect(prop('STORAGE_AWS_IAM_USER_ARN')).toMatch(/^arn:aws:iam::\d{12}:user\/\S+$/);
    expect(prop('STORAGE_AWS_EXTERNAL_ID')).toMatch(/^LOCAL_SFCRole=\d+_\S+$/);
    expect(prop('STORAGE_AWS_ROLE_ARN')).toBe(ROLE_ARN);
    expect(prop('STORAGE_ALLOWED_LOCATIONS')).toBe(`s3://${BUCKET}/floe/`);
    expect(prop('ENABLED')).toBe('true');
    const again = await h.sql('DESCRIBE STORAGE INTEGRATION floe_s3');
    expect(again.find((r) => r.property === 'STORAGE_AWS_EXTERNAL_ID')?.property_value).toBe(prop('STORAGE_AWS_EXTERNAL_ID'));
  });

  it('IF NOT EXISTS keeps the external id; OR REPLACE issues a new one (the IAM user stays)', async () => {
    const id = async (): Promise<[unknown, unknown]> => {
      const d = await h.sql('DESC INTEGRATION FLOE_S3');
      return [d.find((r) => r.property === 'STORAGE_AWS_EXTERNAL_ID')?.property_value, d.find((r) => r.property === 'STORAGE_AWS_IAM_USER_ARN')?.property_value];
    };
    const [before, user] = await id();
    const kept = await h.sql(`CREATE STORAGE INTEGRATION IF NOT EXISTS FLOE_S3 TYPE = EXTERNAL_STAGE STORAGE_PROVIDER = 'S3' ENABLED = TRUE STORAGE_AWS_ROLE_ARN = '${ROLE_ARN}' STORAGE_ALLOWED_LOCATIONS = ('s3://${BUCKET}/floe/')`);
    expect(kept[0]?.status).toBe('FLOE_S3 already exists, statement succeeded.');
    expect((await id())[0]).toBe(before);
    await h.sql(`CREATE OR REPLACE STORAGE INTEGRATION FLOE_S3 TYPE = EXTERNAL_STAGE STORAGE_PROVIDER = 'S3' ENABLED = TRUE STORAGE_AWS_ROLE_ARN = '${ROLE_ARN}' STORAGE_ALLOWED_LOCATIONS = ('s3://${BUCKET}/floe/')`);
    const [after, userAfter] = await id();
    expect(after).not.toBe(before);
    expect(userAfter).toBe(user);
  });

  it('ALTER INTEGRATION SET changes the allowed locations; SHOW INTEGRATIONS LIKE lists it', async () => {
    await h.sql(`ALTER INTEGRATION FLOE_S3 SET STORAGE_ALLOWED_LOCATIONS = ('s3://${BUCKET}/floe/', 's3://${BUCKET}/other/')`);
    const d = await h.sql('DESC INTEGRATION FLOE_S3');
    expect(d.find((r) => r.property === 'STORAGE_ALLOWED_LOCATIONS')?.property_value).toBe(`s3://${BUCKET}/floe/,s3://${BUCKET}/other/`);
    const shown = await h.sql("SHOW INTEGRATIONS LIKE 'floe%'");
    expect(shown.map((r) => [r.name, r.type, r.category, r.enabled])).toEqual([['FLOE_S3', 'EXTERNAL_STAGE', 'STORAGE', 'true']]);
    expect(await h.sql("SHOW INTEGRATIONS LIKE 'nope%'")).toEqual([]);
  });

  it('a stage URL outside the allowed locations is refused', async () => {
    const e = await failure(h.sql(`CREATE STAGE OUTSIDE URL = 's3://${BUCKET}/elsewhere/' STORAGE_INTEGRATION = FLOE_S3`));
    expect(e.message).toContain(`URL 's3://${BUCKET}/elsewhere/' is not allowed by integration 'FLOE_S3'`);
    const missing = await failure(h.sql(`CREATE STAGE S2 URL = 's3://${BUCKET}/floe/' STORAGE_INTEGRATION = NOPE`));
    expect(missing.message).toContain("Integration 'NOPE' does not exist or not authorized.");
  });

  it('SHOW/DESC FILE FORMAT report the options as set', async () => {
    const shown = await h.sql("SHOW FILE FORMATS LIKE 'FLOE_CSV'");
    expect(shown).toHaveLength(1);
    expect(shown[0]?.type).toBe('CSV');
    const options = JSON.parse(String(shown[0]?.format_options)) as Record<string, unknown>;
    expect(options.FIELD_OPTIONALLY_ENCLOSED_BY).toBe('"');
    expect(options.SKIP_HEADER).toBe(1);
    expect(options.NULL_IF).toBe('[]');
    const desc = await h.sql('DESC FILE FORMAT FLOE_CSV');
    expect(desc.find((r) => r.property === 'ESCAPE_UNENCLOSED_FIELD')?.property_value).toBe('NONE');
    expect(desc.find((r) => r.property === 'EMPTY_FIELD_AS_NULL')?.property_value).toBe('true');
    const bad = await failure(h.sql('CREATE FILE FORMAT BAD TYPE = CSV SKIP_HEADER = 1 PARSE_HEADER = TRUE'));
    expect(bad.message).toContain('SKIP_HEADER');
  });

  it('SHOW/DESC STAGE and LIST show the stage and its objects', async () => {
    await h.put('floe/sales/dt=2026-11-25/run=20261126T101500123Z-3f9a1c2e/part-00000.csv.gz', 'A\n1\n');
    await h.put('floe/sales/dt=2026-11-25/run=20261126T101500123Z-3f9a1c2e/_manifest.json', '{}', { gzip: false });
    await h.put('floe/items/x.csv', 'A\n2\n', { gzip: false });
    const stages = await h.sql('SHOW STAGES');
    expect(stages.map((s) => [s.name, s.url, s.storage_integration, s.type])).toEqual([['FLOE_STAGE', `s3://${BUCKET}/floe/`, 'FLOE_S3', 'EXTERNAL']]);
    const desc = await h.sql('DESC STAGE FLOE_STAGE');
    expect(desc.find((r) => r.property === 'URL')?.property_value).toBe(`["s3://${BUCKET}/floe/"]`);
    expect(desc.find((r) => r.property === 'FORMAT_NAME')?.property_value).toBe('FLOE_CSV');
    const listed = await h.sql('LIST @FLOE_STAGE/sales/');
    expect(listed.map((r) => r.name)).toEqual([
      `s3://${BUCKET}/floe/sales/dt=2026-11-25/run=20261126T101500123Z-3f9a1c2e/_manifest.json`,
      `s3://${BUCKET}/floe/sales/dt=2026-11-25/run=20261126T101500123Z-3f9a1c2e/part-00000.csv.gz`,
    ]);
    expect(listed[0]?.size).toBe(2);
    const parts = await h.sql("LIST @floe_stage PATTERN = '.*part-[0-9]+[.]csv[.]gz'");
    expect(parts.map((r) => r.name)).toEqual([`s3://${BUCKET}/floe/sales/dt=2026-11-25/run=20261126T101500123Z-3f9a1c2e/part-00000.csv.gz`]);
    const gone = await failure(h.sql('LIST @NO_SUCH_STAGE'));
    expect(gone.message).toContain("Stage 'ANALYTICS.PUBLIC.NO_SUCH_STAGE' does not exist or not authorized.");
  });
});
