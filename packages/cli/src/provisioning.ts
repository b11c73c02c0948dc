import { errAsync, err, ok, okAsync, ResultAsync, type Result } from 'neverthrow';
import { GetBucketNotificationConfigurationCommand, PutBucketNotificationConfigurationCommand, type NotificationConfiguration } from '@aws-sdk/client-s3';
import {
  createS3Client,
  createSnowflakeProvisioner,
  floeError,
  isFloeError,
  objectNames,
  type FloeError,
  type IntegrationIdentity,
  type PipeChannel,
  type ProvisionPlan,
  type ProvisionReport,
  type ProvisionSetup,
} from '@floe/core';
import { iamPermissionsPolicy, iamTrustPolicy, planSetup, planTeardown, setupBucketNotification, type FloeSnowflakeSetup, type PlanStep, type SourceTable } from '@floe/snowflake-ddl';
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

/** The DDL generator's input from the config file and the described source tables. */
export function snowflakeSetup(config: FloeConfig, schemas: ReadonlyMap<string, SourceTable>, opts: SetupOptions = {}): Result<FloeSnowflakeSetup, FloeError> {
  const sf = config.snowflake;
  if (!sf) return err(floeError('config', 'this command needs a snowflake section in the config', 'Add snowflake: (floe init writes a commented example).', { object: 'snowflake' }));
  const storage = config.storage;
  if (storage.kind !== 's3') return err(floeError('config', 'Snowpipe loads from S3: the Snowflake setup needs storage.kind s3', 'Set storage: { kind: s3, bucket, prefix, region }.', { object: 'storage.kind' }));
  if (!sf.roleArn) return err(floeError('config', 'snowflake.roleArn is missing', 'Give the IAM role the storage integration assumes (floe iam prints its policies).', { object: 'snowflake.roleArn' }));
  const formats = new Set(config.tables.map((t) => t.format));
  if (formats.size > 1) return err(floeError('config', 'tables use both csv and parquet, but one Snowflake setup has one file format', 'Use the same format for every table of a config (or split the config).', { object: 'tables[].format' }));
  const first = config.tables[0];
  if (!first) return err(floeError('config', 'no table configured', 'List at least one table under tables.', { object: 'tables' }));
  const shared = objectNames(sf, first);
  const tables = [];
  for (const t of config.tables) {
    const source = schemas.get(t.name);
    if (!source) return err(floeError('internal', `table ${t.name} was not described`, 'Re-run with --debug and report it.', { object: t.name }));
    const names = objectNames(sf, t) as ReturnType<typeof objectNames> & { readonly target?: string };
    const derived = derivedTablesFor(t, source);
    const star = starSchemaFor(t, source);
    tables.push({
      source,
      path: t.name,
      ...(t.primaryKey ? { keys: t.primaryKey } : {}),
      landing: names.landing,
      target: names.target ?? t.name.toUpperCase(),
      pipe: names.pipe,
      stream: names.stream,
      task: names.task,
      ...(derived.length > 0 ? { derived } : {}),
      ...(star ? { star } : {}),
    });
  }
  return ok({
    database: sf.database,
    schema: sf.schema,
    warehouse: { name: sf.warehouse, ...(opts.createWarehouse ? { create: true } : {}) },
    ...(sf.loaderRole ? { loader: { role: sf.loaderRole, user: sf.user } } : {}),
    s3: { bucket: storage.bucket, prefix: storage.prefix },
    integration: { name: shared.integration, awsRoleArn: sf.roleArn },
    stage: shared.stage,
    format: first.format,
    fileFormat: shared.fileFormat,
    schedule: { cron: sf.task.schedule, timeZone: sf.task.timeZone },
    tables,
  });
}

/** The ordered setup statements (`floe ddl`), or the teardown ones. */
export function setupSteps(setup: FloeSnowflakeSetup, teardown = false): Result<readonly PlanStep[], FloeError> {
  return ddl(() => (teardown ? planTeardown(setup).steps : planSetup(setup).steps));
}

/** The IAM permissions policy of the role Snowflake assumes (known from the config alone). */
export function permissionsPolicy(setup: FloeSnowflakeSetup): Result<unknown, FloeError> {
  return ddl(() => iamPermissionsPolicy({ bucket: setup.s3.bucket, prefix: setup.s3.prefix }));
}

/** What the provisioner runs and the AWS documents it fills in as Snowflake issues values. */
export function provisionSetup(setup: FloeSnowflakeSetup): Result<ProvisionSetup, FloeError> {
  return setupSteps(setup).andThen((steps) =>
    permissionsPolicy(setup).map((policy) => ({
      steps,
      permissionsPolicy: policy,
      trustPolicy: (id: IntegrationIdentity) => iamTrustPolicy({ storageAwsIamUserArn: id.iamUserArn, storageAwsExternalId: id.externalId }),
      bucketNotification: (channels: readonly PipeChannel[]) => ({ bucket: setup.s3.bucket, configuration: setupBucketNotification(setup, channels[0]?.notificationChannel ?? '') }),
    })),
  );
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
