import {
  iamPermissionsPolicy,
  iamTrustPolicy,
  planSetup,
  queueConfiguration,
  resolveSetup,
  type BucketNotificationConfiguration,
  type DerivedTableSpec,
  type FloeSnowflakeSetup,
  type PlanStep,
  type StarSchemaSpec,
  type TypeMapOptions,
} from '@floe/snowflake-ddl';
import { err, ok, Result } from 'neverthrow';
import type { TableSchema } from '../contracts/schema.js';
import { objectNames } from '../config/config-names.js';
import type { FloeConfigFile } from '../config/config-schema.js';
import { floeError, type FloeError } from '../errors.js';
import { ddlError } from './snowflake-errors.js';
import { sameName } from './snowflake-names.js';
import type { ProvisionSetup } from './snowflake-provisioner.js';

/** What the config file cannot say: code-defined derived tables, star schemas and type choices, per table name. */
export interface SetupExtras {
  readonly derived?: Readonly<Record<string, readonly DerivedTableSpec[]>>;
  /** The star schema a table's task keeps (e.g. the CLI's sales preset), by table name. */
  readonly star?: Readonly<Record<string, StarSchemaSpec>>;
  readonly types?: TypeMapOptions;
  /** Emit CREATE WAREHOUSE IF NOT EXISTS (default false: use an existing one). */
  readonly createWarehouse?: boolean;
}

/**
 * The DDL generator's input from the config: object names from `snowflake.objects`, the S3
 * location from `storage`, and each table's columns as described by its extractor (`schemas`,
 * keyed by table name).
 */
export function snowflakeSetupFromConfig(config: FloeConfigFile, schemas: Readonly<Record<string, TableSchema>>, extras: SetupExtras = {}): Result<FloeSnowflakeSetup, FloeError> {
  const sf = config.snowflake;
  if (!sf) return err(floeError('config', 'The config has no snowflake section.', 'Add a snowflake section (floe init writes a commented one).', { object: 'snowflake' }));
  const storage = config.storage;
  if (storage.kind !== 's3') {
    return err(floeError('config', 'Snowflake loads from S3: the storage section is a local folder.', 'Set storage.kind: s3 (or FLOE_S3_BUCKET) to provision Snowflake.', { object: 'storage.kind' }));
  }
  if (!sf.roleArn) return err(floeError('config', 'snowflake.roleArn is required to create the storage integration.', 'Set snowflake.roleArn to the IAM role Snowflake assumes to read the bucket.', { object: 'snowflake.roleArn' }));
  const formats = new Set(config.tables.map((t) => t.format));
  if (formats.size > 1) {
    return err(floeError('config', 'Tables use both csv and parquet; one Snowflake setup has one file format.', 'Give every table the same format.', { object: 'tables[].format' }));
  }
  const first = config.tables[0];
  if (!first) return err(floeError('config', 'The config lists no tables.', 'List at least one table under tables.', { object: 'tables' }));
  const tables = [];
  for (const t of config.tables) {
    const source = schemas[t.name];
    if (!source) return err(floeError('internal', `No column description for table ${t.name}.`, 'Describe every configured table (extractor.describe()) before planning the Snowflake setup.', { object: t.name }));
    const names = objectNames(sf, t);
    const derived = extras.derived?.[t.name];
    const star = extras.star?.[t.name];
    tables.push({
      source,
      path: t.name,
      ...(t.primaryKey ? { keys: t.primaryKey } : {}),
      landing: names.landing,
      target: names.target,
      pipe: names.pipe,
      stream: names.stream,
      task: names.task,
      ...(derived && derived.length > 0 ? { derived } : {}),
      ...(star ? { star } : {}),
    });
  }
  const names = objectNames(sf, first);
  return ok({
    database: sf.database,
    schema: sf.schema,
    warehouse: { name: sf.warehouse, ...(extras.createWarehouse ? { create: true } : {}) },
    // The runtime signs in as snowflake.user: it gets the loader role.
    ...(sf.loaderRole ? { loader: { role: sf.loaderRole, user: sf.user } } : {}),
    s3: { bucket: storage.bucket, prefix: storage.prefix },
    integration: { name: names.integration, awsRoleArn: sf.roleArn },
    stage: names.stage,
    format: first.format,
    fileFormat: names.fileFormat,
    schedule: { cron: sf.task.schedule, timeZone: sf.task.timeZone },
    ...(extras.types ? { types: extras.types } : {}),
    tables,
  });
}

/**
 * The provisioner's input: `planSetup`'s ordered steps, the IAM permissions policy, and builders of
 * the trust policy (from DESC INTEGRATION) and of the bucket notification (one queue configuration
 * per table path, to its own pipe's notification_channel). Every pipe of the setup must have its
 * channel: a missing one throws (the provisioner turns it into a FloeError) rather than borrowing
 * another pipe's queue, which would route that table's files to a pipe that never loads them.
 */
export function provisionSetup(setup: FloeSnowflakeSetup): Result<ProvisionSetup, FloeError> {
  const planned = Result.fromThrowable(
    () => ({ steps: planSetup(setup).steps as readonly PlanStep[], resolved: resolveSetup(setup), policy: iamPermissionsPolicy({ bucket: setup.s3.bucket, prefix: setup.s3.prefix, ...(setup.s3.partition ? { partition: setup.s3.partition } : {}) }) }),
    ddlError,
  )();
  if (planned.isErr()) return err(planned.error);
  const { steps, resolved, policy } = planned.value;
  const suffix = setup.format === 'csv' ? '.csv.gz' : '.parquet';
  // The resolved names are in their Snowflake form; quoted, they compare with what DESC/SHOW print.
  const quoted = (parts: readonly (string | undefined)[]) => parts.filter((p): p is string => p !== undefined).map((p) => `"${p.replace(/"/g, '""')}"`).join('.');
  return ok({
    steps,
    permissionsPolicy: policy,
    trustPolicy: (identity) => iamTrustPolicy({ storageAwsIamUserArn: identity.iamUserArn, storageAwsExternalId: identity.externalId }),
    bucketNotification: (channels) => {
      const configuration: BucketNotificationConfiguration = {
        QueueConfigurations: resolved.tables.map((t) => {
          const pipe = quoted([t.pipe.database, t.pipe.schema, t.pipe.name]);
          const channel = channels.find((c) => sameName(c.pipe, pipe));
          if (!channel) {
            throw floeError('internal', `No notification channel for pipe ${t.pipe.name} (table ${t.path}).`, 'DESC PIPE must run for every pipe of the setup: re-run provision; if it persists, report it.', { object: t.pipe.name });
          }
          return queueConfiguration({ notificationChannel: channel.notificationChannel, prefix: `${resolved.prefix}/${t.path}`, suffix, id: `floe-${t.path}` });
        }),
      };
      return { bucket: resolved.bucket, configuration };
    },
  });
}
