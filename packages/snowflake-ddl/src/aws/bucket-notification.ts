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
  const doc = {
    QueueConfigurations: r.tables.map((t) => queueConfiguration({ notificationChannel, prefix: `${r.prefix}/${t.path}`, suffix, id: `floe-${t.path}` })),
  };
  // Table paths are distinct single segments ending in `/`, so these never overlap; checked anyway
  // because S3 rejects the whole document if two of them do.
  assertNoOverlap(doc.QueueConfigurations, []);
  return doc;
}

/** One filter rule as S3 returns it (GetBucketNotificationConfiguration may spell the name `Prefix`). */
export interface ExistingFilterRule {
  readonly Name?: string;
  readonly Value?: string;
}

/** A queue, topic or Lambda configuration already on the bucket; only the fields overlap depends on. */
export interface ExistingNotificationTarget {
  readonly Id?: string;
  readonly Events?: readonly string[];
  readonly Filter?: { readonly Key?: { readonly FilterRules?: readonly ExistingFilterRule[] } };
}

const ruleValue = (t: ExistingNotificationTarget, name: 'prefix' | 'suffix'): string =>
  t.Filter?.Key?.FilterRules?.find((r) => r.Name?.toLowerCase() === name)?.Value ?? '';

// `s3:ObjectCreated:*` covers every `s3:ObjectCreated:...` event type.
const eventsOverlap = (a: string, b: string): boolean =>
  a === b || (a.endsWith('*') && b.startsWith(a.slice(0, -1))) || (b.endsWith('*') && a.startsWith(b.slice(0, -1)));

/**
 * S3 refuses two notification configurations that share an event type when one's prefix starts
 * the other's and one's suffix ends the other's (FilterRule: overlapping prefixes and suffixes are
 * not supported; an absent rule matches every key).
 */
export function notificationsOverlap(a: ExistingNotificationTarget, b: ExistingNotificationTarget): boolean {
  const shareEvent = (a.Events ?? []).some((x) => (b.Events ?? []).some((y) => eventsOverlap(x, y)));
  if (!shareEvent) return false;
  const [pa, pb, sa, sb] = [ruleValue(a, 'prefix'), ruleValue(b, 'prefix'), ruleValue(a, 'suffix'), ruleValue(b, 'suffix')];
  return (pa.startsWith(pb) || pb.startsWith(pa)) && (sa.endsWith(sb) || sb.endsWith(sa));
}

function assertNoOverlap(ours: readonly QueueConfiguration[], theirs: readonly ExistingNotificationTarget[]): void {
  for (const [i, q] of ours.entries()) {
    for (const other of [...ours.slice(i + 1), ...theirs]) {
      if (notificationsOverlap(q, other)) {
        configError(
          `Bucket notification ${q.Id} (prefix ${ruleValue(q, 'prefix')}, suffix ${ruleValue(q, 'suffix')}) overlaps ${other.Id ?? 'an unnamed configuration'} (prefix "${ruleValue(other, 'prefix')}", suffix "${ruleValue(other, 'suffix')}") on the same event type; S3 rejects such a configuration.`,
          'Remove or narrow the other configuration (a whole-bucket or whole-prefix rule covers floe\'s paths), or route both through one SNS topic as Snowflake\'s auto-ingest guide describes for shared prefixes.',
          q.Id,
        );
      }
    }
  }
}

/**
 * The document to PUT when the bucket already has notifications: PutBucketNotificationConfiguration
 * replaces the bucket's whole configuration, so everything already there is kept, except floe's own
 * earlier entries (same Id), which are replaced. Throws `SnowflakeDdlError` (`config`) when a kept
 * entry overlaps one of floe's, which S3 would refuse.
 */
export function mergeBucketNotification<Q extends ExistingNotificationTarget, T extends ExistingNotificationTarget, L extends ExistingNotificationTarget>(
  existing: {
    readonly QueueConfigurations?: readonly Q[];
    readonly TopicConfigurations?: readonly T[];
    readonly LambdaFunctionConfigurations?: readonly L[];
    readonly EventBridgeConfiguration?: object;
  },
  floe: BucketNotificationConfiguration,
): {
  readonly QueueConfigurations: ReadonlyArray<Q | QueueConfiguration>;
  readonly TopicConfigurations?: readonly T[];
  readonly LambdaFunctionConfigurations?: readonly L[];
  readonly EventBridgeConfiguration?: object;
} {
  const ours = new Set(floe.QueueConfigurations.map((q) => q.Id));
  const keptQueues = (existing.QueueConfigurations ?? []).filter((q) => q.Id === undefined || !ours.has(q.Id));
  assertNoOverlap(floe.QueueConfigurations, [...keptQueues, ...(existing.TopicConfigurations ?? []), ...(existing.LambdaFunctionConfigurations ?? [])]);
  return { ...existing, QueueConfigurations: [...keptQueues, ...floe.QueueConfigurations] };
}
