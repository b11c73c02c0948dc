import { configError } from '../errors.js';
import { normalisePrefix, resolveSetup, type FloeSnowflakeSetup } from '../setup/setup-config.js';

/** The body of S3 PutBucketNotificationConfiguration (SDK v3 field names). */
export interface BucketNotificationConfiguration {
  readonly QueueConfigurations: readonly QueueConfiguration[];
}

export interface QueueConfiguration {
  readonly Id: string;
  readonly QueueArn: string;
  readonly Events: readonly ['s3:ObjectCreated:*'];
  readonly Filter: { readonly Key: { readonly FilterRules: readonly [{ readonly Name: 'prefix'; readonly Value: string }, { readonly Name: 'suffix'; readonly Value: string }] } };
}

const SQS_ARN = /^arn:aws(-cn|-us-gov)?:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}$/;
const SUFFIX = /^[A-Za-z0-9_.-]+$/;
const ID = /^[A-Za-z0-9_.-]{1,255}$/;

/**
 * One queue configuration: objects created under `prefix` (the stage URL's prefix + the pipe's
 * sub-path, ending in `/`) whose key ends with `suffix` are announced to the pipe's
 * `notification_channel` (from DESC PIPE). A prefix that does not match the stage path means
 * auto-ingest never fires, silently (docs.snowflake.com/en/user-guide/data-load-snowpipe-auto-s3,
 * "Configuring event notifications").
 */
export function queueConfiguration(opts: { readonly notificationChannel: string; readonly prefix: string; readonly suffix: string; readonly id?: string }): QueueConfiguration {
  if (!SQS_ARN.test(opts.notificationChannel)) configError(`${JSON.stringify(opts.notificationChannel)} is not an SQS queue ARN.`, 'Copy notification_channel from DESC PIPE (or SHOW PIPES) as is.', 'notification_channel');
  const prefix = `${normalisePrefix(opts.prefix)}/`;
  if (!SUFFIX.test(opts.suffix)) configError(`${JSON.stringify(opts.suffix)} is not a file name suffix floe writes.`, 'Use ".csv.gz" or ".parquet".', 'suffix');
  const id = opts.id ?? `floe-${prefix.replace(/[^A-Za-z0-9_.-]/g, '-').replace(/-+$/, '')}`;
  if (!ID.test(id)) configError(`${JSON.stringify(id)} is not a usable notification id.`, 'Use letters, digits, _ . - only.', 'id');
  return {
    Id: id,
    QueueArn: opts.notificationChannel,
    Events: ['s3:ObjectCreated:*'],
    Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: prefix }, { Name: 'suffix', Value: opts.suffix }] } },
  };
}

/** A notification configuration with a single queue configuration (see `queueConfiguration`). */
export function bucketNotification(opts: { readonly notificationChannel: string; readonly prefix: string; readonly suffix: string; readonly id?: string }): BucketNotificationConfiguration {
  return { QueueConfigurations: [queueConfiguration(opts)] };
}

/**
 * The bucket's notification configuration for every table of a setup: one queue configuration per
 * table path (`<prefix>/<table>/`, suffix `.csv.gz` or `.parquet`), so staging (`_staging/`),
 * manifests and watermarks never reach Snowpipe. All of an account's pipes share one queue, so one
 * channel serves every table. PutBucketNotificationConfiguration replaces the whole configuration:
 * merge these entries with any the bucket already has.
 */
export function setupBucketNotification(config: FloeSnowflakeSetup, notificationChannel: string): BucketNotificationConfiguration {
  const r = resolveSetup(config);
  const suffix = config.format === 'csv' ? '.csv.gz' : '.parquet';
  return {
    QueueConfigurations: r.tables.map((t) => queueConfiguration({ notificationChannel, prefix: `${r.prefix}/${t.path}`, suffix, id: `floe-${t.path}` })),
  };
}
