import { errAsync, err, ok, okAsync, ResultAsync, type Result } from 'neverthrow';
import { GetBucketNotificationConfigurationCommand, PutBucketNotificationConfigurationCommand, type NotificationConfiguration } from '@aws-sdk/client-s3';
import {
  createS3Client,
  createSnowflakeProvisioner,
  floeError,
  isFloeError,
  provisionSetup,
  snowflakeSetupFromConfig,
  type FloeError,
  type PipeChannel,
  type ProvisionPlan,
  type ProvisionReport,
  type SetupExtras,
} from '@floe/core';
import { planTeardown, type DerivedTableSpec, type FloeSnowflakeSetup, type PlanStep, type SourceTable, type StarSchemaSpec } from '@floe/snowflake-ddl';
import { jobFor, type FloeConfig, type SnowflakeSession } from './context.js';
import { derivedTablesFor, starSchemaFor } from './presets.js';

/** Options of the Snowflake setup that the config file does not carry. */
export interface SetupOptions {
  /** Emit CREATE WAREHOUSE IF NOT EXISTS (default: use an existing warehouse). */
  readonly createWarehouse?: boolean;
}

/** Turns what snowflake-ddl throws (it does no I/O) into a FloeError, once, at this edge. */
function ddl<T>(work: () => T): Result<T, FloeError> {
  try {
    return ok(work());
  } catch (e) {
    if (isFloeError(e)) return err(floeError(e.kind, e.message, e.hint, { ...(e.object !== undefined ? { object: e.object } : {}), cause: e }));
    return err(floeError('internal', `generating the Snowflake setup failed: ${e instanceof Error ? e.message : String(e)}`, 'Re-run with --debug and report it.', { cause: e }));
  }
}

/** Reads every configured table's columns from the PostgreSQL catalog (the landing tables are typed from them). */
export function describeTables(config: FloeConfig): ResultAsync<Map<string, SourceTable>, FloeError> {
  const work = async (): Promise<Map<string, SourceTable> | FloeError> => {
    const out = new Map<string, SourceTable>();
    for (const t of config.tables) {
      const d = await jobFor(config, t.name).andThen((job) => job.extractor.describe());
      if (d.isErr()) return d.error;
      out.set(t.name, d.value);
    }
    return out;
  };
  return ResultAsync.fromSafePromise(work()).andThen((r) => (r instanceof Map ? okAsync(r) : errAsync(r)));
}

/**
 * What the CLI adds to core's setup mapping: the presets' derived tables and star schema (the
 * config file has no key for them yet), and the warehouse option.
 */
export function setupExtras(config: FloeConfig, schemas: ReadonlyMap<string, SourceTable>, opts: SetupOptions = {}): SetupExtras {
  const derived: Record<string, readonly DerivedTableSpec[]> = {};
  const star: Record<string, StarSchemaSpec> = {};
  for (const t of config.tables) {
    const source = schemas.get(t.name);
    if (!source) continue; // core reports the undescribed table
    const d = derivedTablesFor(t, source);
    if (d.length > 0) derived[t.name] = d;
    const s = starSchemaFor(t, source);
    if (s) star[t.name] = s;
  }
  return { derived, star, ...(opts.createWarehouse ? { createWarehouse: true } : {}) };
}

/**
 * The DDL generator's input: core's `snowflakeSetupFromConfig` (the one config → setup mapping,
 * shared with every other caller) with the CLI's presets as extras.
 */
export function snowflakeSetup(config: FloeConfig, schemas: ReadonlyMap<string, SourceTable>, opts: SetupOptions = {}): Result<FloeSnowflakeSetup, FloeError> {
  return snowflakeSetupFromConfig(config, Object.fromEntries(schemas), setupExtras(config, schemas, opts));
}

/** The ordered setup statements (`floe ddl`), or the teardown ones. */
export function setupSteps(setup: FloeSnowflakeSetup, teardown = false): Result<readonly PlanStep[], FloeError> {
  return teardown ? ddl(() => planTeardown(setup).steps) : provisionSetup(setup).map((p) => p.steps as readonly PlanStep[]);
}

/** The IAM permissions policy of the role Snowflake assumes (known from the config alone). */
export function permissionsPolicy(setup: FloeSnowflakeSetup): Result<unknown, FloeError> {
  return provisionSetup(setup).map((p) => p.permissionsPolicy);
}

/** What `floe iam` can say about the bucket notification once the pipes exist. */
export interface PipeNotification {
  /** Each pipe's queue, read with the setup's own DESC PIPE steps (the ones provision runs). */
  readonly channels: readonly PipeChannel[];
  /** Pipes Snowflake could not describe (not provisioned yet), with why. */
  readonly missing: ReadonlyArray<{ readonly pipe: string; readonly reason: string }>;
  /** The bucket and its notification configuration; absent while any pipe is missing. */
  readonly notification?: { readonly bucket: string; readonly configuration: unknown };
}

/**
 * Reads every pipe's notification_channel with the setup's DESC PIPE steps and builds the bucket
 * notification with core's `provisionSetup` (one queue configuration per table, each to its own
 * pipe's channel), exactly as `floe provision` does.
 */
export function pipeNotification(setup: FloeSnowflakeSetup, session: SnowflakeSession): ResultAsync<PipeNotification, FloeError> {
  const planned = provisionSetup(setup);
  if (planned.isErr()) return errAsync(planned.error);
  const built = planned.value;
  const describes = built.steps.filter((s) => s.object.type === 'PIPE' && /^(DESC|DESCRIBE)\b/i.test(s.sql));
  const work = async (): Promise<PipeNotification | FloeError> => {
    const channels: PipeChannel[] = [];
    const missing: Array<{ pipe: string; reason: string }> = [];
    for (const step of describes) {
      const rows = await session.query<Record<string, unknown>>(step.sql, [], { object: step.object.name });
      if (rows.isErr()) {
        // A lost connection or sign-in is a failure; anything else means the pipe is not there yet.
        if (rows.error.kind === 'snowflake_unreachable' || rows.error.kind === 'snowflake_auth') return rows.error;
        missing.push({ pipe: step.object.name, reason: rows.error.message });
        continue;
      }
      const channel = rows.value.map((r) => r['notification_channel'] ?? r['NOTIFICATION_CHANNEL']).find((c) => typeof c === 'string' && c !== '');
      if (typeof channel === 'string') channels.push({ pipe: step.object.name, notificationChannel: channel });
      else missing.push({ pipe: step.object.name, reason: 'DESC PIPE returned no notification_channel (is AUTO_INGEST on?)' });
    }
    if (missing.length > 0 || !built.bucketNotification) return { channels, missing };
    const make = built.bucketNotification;
    const notification = ddl(() => make(channels));
    return notification.isErr() ? notification.error : { channels, missing, notification: notification.value };
  };
  return ResultAsync.fromSafePromise(work()).andThen((r) => ('channels' in r ? okAsync(r) : errAsync(r)));
}

type ApplyNotification = (bucket: string, configuration: unknown) => ResultAsync<void, FloeError>;

/**
 * Applies the pipes' bucket notification. On AWS: merged into the bucket's existing notification
 * configuration by Id (PutBucketNotificationConfiguration replaces the whole document, and a bucket
 * may notify other consumers too). On the local endpoint (snowflake.accessUrl with an S3 endpoint):
 * through its `/_local/bucket-notifications/<bucket>` route, the stand-in for S3 → SQS.
 */
export function notificationApplier(config: FloeConfig): ApplyNotification {
  const storage = config.storage;
  const accessUrl = config.snowflake?.accessUrl;
  if (accessUrl && storage.kind === 's3' && storage.endpoint) {
    return (bucket, configuration) =>
      ResultAsync.fromPromise(
        fetch(new URL(`/_local/bucket-notifications/${encodeURIComponent(bucket)}`, accessUrl), { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(configuration) }).then(async (r) => {
          if (!r.ok) throw new Error(`HTTP ${r.status}: ${await r.text()}`);
        }),
        (e) => floeError('snowflake_unreachable', `the local endpoint refused the bucket notification: ${e instanceof Error ? e.message : String(e)}`, 'Check that snowflake.accessUrl points at a running local endpoint.', { object: bucket, cause: e }),
      );
  }
  return (bucket, configuration) => {
    if (storage.kind !== 's3') return okAsync(undefined);
    const client = createS3Client({ region: storage.region, ...(storage.endpoint ? { endpoint: storage.endpoint } : {}), ...(storage.forcePathStyle !== undefined ? { forcePathStyle: storage.forcePathStyle } : {}) });
    const ours = (configuration as NotificationConfiguration).QueueConfigurations ?? [];
    const fail = (what: string) => (e: unknown) =>
      floeError('storage_auth', `${what} the notification configuration of bucket ${bucket} failed: ${e instanceof Error ? e.message : String(e)}`, 'The AWS identity running floe provision needs s3:GetBucketNotification and s3:PutBucketNotification on the bucket; or apply the printed JSON yourself and pass --no-bucket-notification.', { object: bucket, cause: e });
    return ResultAsync.fromPromise(client.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket })), fail('reading'))
      .andThen((current) => {
        const ids = new Set(ours.map((q) => q.Id));
        const merged: NotificationConfiguration = {
          ...(current.TopicConfigurations ? { TopicConfigurations: current.TopicConfigurations } : {}),
          ...(current.LambdaFunctionConfigurations ? { LambdaFunctionConfigurations: current.LambdaFunctionConfigurations } : {}),
          ...(current.EventBridgeConfiguration ? { EventBridgeConfiguration: current.EventBridgeConfiguration } : {}),
          QueueConfigurations: [...(current.QueueConfigurations ?? []).filter((q) => !ids.has(q.Id)), ...ours],
        };
        return ResultAsync.fromPromise(client.send(new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: merged })), fail('writing'));
      })
      .map(() => undefined)
      .andTee(() => client.destroy())
      .orTee(() => client.destroy());
  };
}

export interface ProvisionOutcome {
  readonly plan: ProvisionPlan;
  /** Absent for a dry run. */
  readonly report?: ProvisionReport;
}

/** Describes the tables, plans the setup against what exists, and (unless dry) applies it. */
export function provision(config: FloeConfig, session: SnowflakeSession, opts: SetupOptions & { readonly dryRun?: boolean; readonly applyBucketNotification?: ApplyNotification | false } = {}): ResultAsync<ProvisionOutcome, FloeError> {
  return describeTables(config)
    .andThen((schemas) => {
      const setup = snowflakeSetup(config, schemas, opts).andThen(provisionSetup);
      return setup.isOk() ? okAsync(setup.value) : errAsync(setup.error);
    })
    .andThen((setup) => {
      const apply = opts.applyBucketNotification === false ? undefined : (opts.applyBucketNotification ?? notificationApplier(config));
      const provisioner = createSnowflakeProvisioner({ session, setup, ...(apply ? { applyBucketNotification: apply } : {}) });
      return provisioner.plan().andThen((plan) => (opts.dryRun ? okAsync<ProvisionOutcome, FloeError>({ plan }) : provisioner.apply(plan).map((report) => ({ plan, report }))));
    });
}
