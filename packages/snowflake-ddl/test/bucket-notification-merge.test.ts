import { describe, expect, it } from 'vitest';
import { mergeBucketNotification, notificationsOverlap, setupBucketNotification, type ExistingNotificationTarget } from '../src/aws/bucket-notification.js';
import { SnowflakeDdlError } from '../src/errors.js';
import { salesSnowflakeSetup } from '../../../examples/sales/src/snowflake-preset.js';

const channel = 'arn:aws:sqs:us-west-2:123456789012:sf-snowpipe-AIDAEXAMPLE-abcdEFGH';
const floe = setupBucketNotification(salesSnowflakeSetup({ format: 'csv' }), channel);
const rule = (prefix: string | undefined, suffix: string | undefined, events = ['s3:ObjectCreated:*'], Id = 'other'): ExistingNotificationTarget => ({
  Id,
  Events: events,
  Filter: { Key: { FilterRules: [...(prefix !== undefined ? [{ Name: 'Prefix', Value: prefix }] : []), ...(suffix !== undefined ? [{ Name: 'Suffix', Value: suffix }] : [])] } },
});

describe('notificationsOverlap (S3 refuses overlapping prefix + suffix on a shared event type)', () => {
  const ours = floe.QueueConfigurations[0]!;
  it.each([
    ['a whole-bucket rule', rule(undefined, undefined), true],
    ['the parent prefix', rule('floe/', '.gz'), true],
    ['the same path, any suffix', rule('floe/sales/', undefined), true],
    ['a deeper path with the same suffix', rule('floe/sales/dt=2026-11-26/', '.csv.gz'), true],
    ['a specific created event', rule('floe/', undefined, ['s3:ObjectCreated:Put']), true],
    ['a sibling table path', rule('floe/sales2/', '.csv.gz'), false],
    ['the staging prefix', rule('floe/_staging/', undefined), false],
    ['a different suffix', rule('floe/sales/', '.json'), false],
    ['removal events', rule('floe/', undefined, ['s3:ObjectRemoved:*']), false],
  ] as const)('%s → %s', (_name, other, overlaps) => {
    expect(notificationsOverlap(ours, other)).toBe(overlaps);
    expect(notificationsOverlap(other, ours)).toBe(overlaps);
  });
});

describe('mergeBucketNotification', () => {
  it('keeps every unrelated configuration and replaces floe\'s earlier entry with the same Id', () => {
    const lambda = { ...rule('uploads/', '.jpg'), LambdaFunctionArn: 'arn:aws:lambda:us-west-2:123456789012:function:thumbs' };
    const oldFloe = { ...rule('floe/sales/', '.parquet', undefined, 'floe-sales'), QueueArn: 'arn:aws:sqs:us-west-2:123456789012:old' };
    const merged = mergeBucketNotification({ QueueConfigurations: [oldFloe], LambdaFunctionConfigurations: [lambda], EventBridgeConfiguration: {} }, floe);
    expect(merged.QueueConfigurations).toEqual(floe.QueueConfigurations);
    expect(merged.LambdaFunctionConfigurations).toEqual([lambda]);
    expect(merged.EventBridgeConfiguration).toEqual({});
  });

  it('refuses to add floe\'s entry next to an overlapping one, naming both', () => {
    const wide = { ...rule('floe/', undefined, ['s3:ObjectCreated:*'], 'snowpipe-all'), TopicArn: 'arn:aws:sns:us-west-2:123456789012:t' };
    const e = (() => { try { mergeBucketNotification({ TopicConfigurations: [wide] }, floe); } catch (x) { return x; } })();
    expect(e).toBeInstanceOf(SnowflakeDdlError);
    expect((e as SnowflakeDdlError).object).toBe('floe-sales');
    expect((e as SnowflakeDdlError).message).toContain('snowpipe-all');
  });

  it('accepts an empty bucket configuration', () => {
    expect(mergeBucketNotification({}, floe)).toEqual(floe);
  });
});
