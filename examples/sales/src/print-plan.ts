/**
 * Prints the full ordered Snowflake + AWS plan for the sample configuration, no database and no
 * account needed: `node dist/plan/print-plan.js [csv|parquet]` after building with
 * tsup.plan.config.ts. The trust policy and the bucket notification need values only Snowflake
 * issues (DESC INTEGRATION, DESC PIPE); they are printed with clearly fake example values.
 */
import { iamPermissionsPolicy, iamTrustPolicy, planSetup, planTeardown, renderPlanScript, setupBucketNotification } from '@floe/snowflake-ddl';
import { salesSnowflakeSetup } from './snowflake-preset.js';

const arg = process.argv[2] ?? 'csv';
if (arg !== 'csv' && arg !== 'parquet') {
  process.stderr.write(`usage: print-plan [csv|parquet] (got ${JSON.stringify(arg)})\n`);
  process.exit(2);
}
const config = salesSnowflakeSetup({ format: arg });
const plan = planSetup(config);
const json = (v: unknown): string => JSON.stringify(v, null, 2);

const out = [
  `-- floe: Snowflake setup for the sales sample (${arg}), ${plan.steps.length} steps in order`,
  '',
  renderPlanScript(plan.steps),
  '/* 1. IAM permissions policy for the role Snowflake assumes (before the integration is used) */',
  json(iamPermissionsPolicy({ bucket: config.s3.bucket, prefix: config.s3.prefix })),
  '',
  '/* 2. IAM trust policy: from DESC STORAGE INTEGRATION (EXAMPLE values below) */',
  json(iamTrustPolicy({ storageAwsIamUserArn: 'arn:aws:iam::000000000000:user/example-snowflake-user', storageAwsExternalId: 'EXAMPLE_SFCRole=0_exampleexternalid=' })),
  '',
  '/* 3. S3 bucket notification: from DESC PIPE notification_channel (EXAMPLE value below) */',
  json(setupBucketNotification(config, 'arn:aws:sqs:us-east-1:000000000000:sf-snowpipe-EXAMPLE')),
  '',
  '/* Teardown, in reverse order */',
  renderPlanScript(planTeardown(config).steps),
].join('\n');
process.stdout.write(out);
