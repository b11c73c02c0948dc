import { describe, expect, it } from 'vitest';
import { iamPermissionsPolicy, planSetup, SnowflakeDdlError, type FloeSnowflakeSetup } from '../src/index.js';
import { salesSnowflakeSetup } from '../../../examples/sales/src/snowflake-preset.js';

// CREATE STORAGE INTEGRATION: STORAGE_PROVIDER 'S3' | 'S3CHINA' | 'S3GOV', with the matching
// s3:// | s3china:// | s3gov:// protocol in STORAGE_ALLOWED_LOCATIONS and in the stage URL.
describe.each([
  ['aws', 'S3', 's3'],
  ['aws-cn', 'S3CHINA', 's3china'],
  ['aws-us-gov', 'S3GOV', 's3gov'],
] as const)('partition %s', (partition, provider, protocol) => {
  const base = salesSnowflakeSetup();
  const config: FloeSnowflakeSetup = {
    ...base,
    s3: { ...base.s3, partition },
    integration: { ...base.integration, awsRoleArn: `arn:${partition}:iam::123456789012:role/floe-snowflake-read` },
  };
  const steps = planSetup(config).steps;
  const sql = (type: string) => steps.find((s) => s.object.type === type && s.sql.startsWith('CREATE'))!.sql;

  it(`uses STORAGE_PROVIDER '${provider}' and ${protocol}:// locations`, () => {
    expect(sql('INTEGRATION')).toContain(`STORAGE_PROVIDER = '${provider}'`);
    expect(sql('INTEGRATION')).toContain(`STORAGE_ALLOWED_LOCATIONS = ('${protocol}://${config.s3.bucket}/floe/')`);
    expect(sql('STAGE')).toContain(`URL = '${protocol}://${config.s3.bucket}/floe/'`);
    // The IAM side keeps AWS's own partition names.
    expect(iamPermissionsPolicy({ bucket: config.s3.bucket, prefix: config.s3.prefix, partition }).Statement[0]?.Resource).toBe(`arn:${partition}:s3:::${config.s3.bucket}/floe/*`);
  });
});

it('refuses a role ARN from another partition than the bucket', () => {
  const base = salesSnowflakeSetup();
  const e = (() => { try { planSetup({ ...base, s3: { ...base.s3, partition: 'aws-cn' } }); } catch (x) { return x; } })();
  expect(e).toBeInstanceOf(SnowflakeDdlError);
  expect((e as SnowflakeDdlError).object).toBe('s3.partition');
});
