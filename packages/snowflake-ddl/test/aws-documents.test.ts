import { describe, expect, it } from 'vitest';
import { bucketNotification, iamPermissionsPolicy, iamTrustPolicy, setupBucketNotification, SnowflakeDdlError } from '../src/index.js';
import { salesSnowflakeSetup } from '../../../examples/sales/src/snowflake-preset.js';

describe('iamPermissionsPolicy', () => {
  const doc = iamPermissionsPolicy({ bucket: 'acme-staging', prefix: '/floe/sales/' });

  it('allows reading objects under the prefix only', () => {
    expect(doc.Version).toBe('2012-10-17');
    expect(doc.Statement).toHaveLength(3);
    const [read, list, locate] = doc.Statement;
    expect(read).toEqual({ Sid: 'FloeReadStagedFiles', Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: 'arn:aws:s3:::acme-staging/floe/sales/*' });
    expect(list).toEqual({ Sid: 'FloeListStagingPrefix', Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::acme-staging', Condition: { StringLike: { 's3:prefix': ['floe/sales/*'] } } });
    expect(locate).toEqual({ Sid: 'FloeLocateBucket', Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: 'arn:aws:s3:::acme-staging' });
  });

  it('never grants writes or deletes', () => {
    const actions = doc.Statement.flatMap((s) => (typeof s.Action === 'string' ? [s.Action] : [...s.Action]));
    expect(actions.filter((a) => /Put|Delete|\*/.test(a))).toEqual([]);
  });

  it('uses the partition it is given', () => {
    expect(iamPermissionsPolicy({ bucket: 'b-cn', prefix: 'p', partition: 'aws-cn' }).Statement[0]?.Resource).toBe('arn:aws-cn:s3:::b-cn/p/*');
  });

  it('refuses bucket names and prefixes that would widen or break the ARN', () => {
    for (const bucket of ['s3://acme', 'Acme', 'acme/x', 'a', 'acme*']) expect(() => iamPermissionsPolicy({ bucket, prefix: 'p' }), bucket).toThrow(SnowflakeDdlError);
    for (const prefix of ['', '/', 'a/*', 'a b', 'a/../b"', 'x"}']) expect(() => iamPermissionsPolicy({ bucket: 'acme', prefix }), prefix).toThrow(SnowflakeDdlError);
  });
});

describe('iamTrustPolicy', () => {
  it('trusts only Snowflake\'s IAM user with the integration\'s external id', () => {
    const doc = iamTrustPolicy({ storageAwsIamUserArn: 'arn:aws:iam::123456789001:user/abc1-b-self1234', storageAwsExternalId: 'MYACCOUNT_SFCRole=2_a123456/s0aBCDEfGHIJklmNoPq=' });
    expect(doc).toEqual({
      Version: '2012-10-17',
      Statement: [{
        Sid: 'FloeSnowflakeAssumeRole',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::123456789001:user/abc1-b-self1234' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': 'MYACCOUNT_SFCRole=2_a123456/s0aBCDEfGHIJklmNoPq=' } },
      }],
    });
  });

  it('refuses values that are not what DESC INTEGRATION returns', () => {
    expect(() => iamTrustPolicy({ storageAwsIamUserArn: '*', storageAwsExternalId: 'x_1' })).toThrow(SnowflakeDdlError);
    expect(() => iamTrustPolicy({ storageAwsIamUserArn: 'arn:aws:iam::123456789001:user/u', storageAwsExternalId: '' })).toThrow(SnowflakeDdlError);
    expect(() => iamTrustPolicy({ storageAwsIamUserArn: 'arn:aws:iam::123456789001:user/u', storageAwsExternalId: 'a"b' })).toThrow(SnowflakeDdlError);
  });
});

describe('bucket notifications', () => {
  const channel = 'arn:aws:sqs:us-west-2:123456789012:sf-snowpipe-AIDAEXAMPLE-abcdEFGH';

  it('notifies the pipe\'s queue of created objects under the stage sub-path', () => {
    expect(bucketNotification({ notificationChannel: channel, prefix: 'floe/sales/', suffix: '.csv.gz', id: 'floe-sales' })).toEqual({
      QueueConfigurations: [{
        Id: 'floe-sales',
        QueueArn: channel,
        Events: ['s3:ObjectCreated:*'],
        Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'floe/sales/' }, { Name: 'suffix', Value: '.csv.gz' }] } },
      }],
    });
  });

  it('derives prefix and suffix from the setup, matching the stage URL + pipe path', () => {
    for (const format of ['csv', 'parquet'] as const) {
      const config = salesSnowflakeSetup({ format, prefix: 'exports/floe' });
      const doc = setupBucketNotification(config, channel);
      expect(doc.QueueConfigurations).toHaveLength(1);
      const q = doc.QueueConfigurations[0]!;
      expect(q.Id).toBe('floe-sales');
      expect(q.QueueArn).toBe(channel);
      expect(q.Events).toEqual(['s3:ObjectCreated:*']);
      const [prefix, suffix] = q.Filter.Key.FilterRules;
      // Published parts: <prefix>/<table>/dt=.../run=.../part-00000.<ext>; staging lives under <prefix>/_staging/.
      expect(prefix).toEqual({ Name: 'prefix', Value: 'exports/floe/sales/' });
      expect(suffix).toEqual({ Name: 'suffix', Value: format === 'csv' ? '.csv.gz' : '.parquet' });
      const published = 'exports/floe/sales/dt=2005-05-31/run=20261126T101500123Z-3f9a1c2e/part-00000' + suffix.Value;
      expect(published.startsWith(prefix.Value) && published.endsWith(suffix.Value)).toBe(true);
      for (const ignored of ['exports/floe/_staging/sales/run=20261126T101500123Z-3f9a1c2e/part-00000' + suffix.Value, 'exports/floe/sales/dt=2005-05-31/run=x/_manifest.json', 'exports/floe/sales/_watermark.json']) {
        expect(ignored.startsWith(prefix.Value) && ignored.endsWith(suffix.Value), ignored).toBe(false);
      }
    }
  });

  it('refuses a channel that is not an SQS ARN', () => {
    expect(() => bucketNotification({ notificationChannel: 'arn:aws:sns:us-west-2:123456789012:topic', prefix: 'p', suffix: '.csv.gz' })).toThrow(SnowflakeDdlError);
  });
});
