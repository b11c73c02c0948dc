import { configError } from '../errors.js';
import { assertNoCollisions, normaliseName, type ObjectName } from '../sql/identifiers.js';
import type { SourceTable } from '../source-schema.js';
import { mapPostgresType, type TypeMapOptions } from '../types/postgres-type-map.js';
import type { SnowflakeType } from '../types/snowflake-type.js';
import type { DerivedTableSpec } from './derived-table.js';
import { resolveStar, type ResolvedStar } from '../star/star-resolve.js';
import type { StarSchemaSpec } from '../star/star-spec.js';

/** When the merge task runs: a 5-field CRON expression and an IANA time zone (never implicit). */
export interface TaskSchedule {
  /** e.g. `0 3 * * *` (minute hour day-of-month month day-of-week). */
  readonly cron: string;
  /** e.g. `UTC`, `Europe/Paris`. */
  readonly timeZone: string;
}

/** One PostgreSQL table delivered by floe and what Snowflake builds from it. */
export interface TableSetup {
  readonly source: SourceTable;
  /** The `<table>` segment of the S3 keys (default: `source.name`); letters, digits, `_ . = -`. */
  readonly path?: string;
  /** Columns that identify a row (default: the source primary key). */
  readonly keys?: readonly string[];
  /** Default `<name>_LANDING`. */
  readonly landing?: string;
  /** The consolidated table, one row per key, latest run wins. Default: the source table name. */
  readonly target?: string;
  /** Default `<name>_PIPE`. */
  readonly pipe?: string;
  /** Default `<landing>_STREAM`. */
  readonly stream?: string;
  /** Default `<name>_MERGE`. */
  readonly task?: string;
  /** Tables recomputed from the consolidated table in the same transaction (e.g. INVOICES, ITEMS). */
  readonly derived?: readonly DerivedTableSpec[];
  /**
   * A star schema (SCD2 dimensions, date dimension, fact table) kept by the same task, in the same
   * transaction, after the consolidated and derived tables (see `src/star/`).
   */
  readonly star?: StarSchemaSpec;
  /** Overrides the setup's schedule for this table's task. */
  readonly schedule?: TaskSchedule;
  /** Merged over the setup's type options. */
  readonly types?: TypeMapOptions;
}

/** Everything `planSetup` needs: plain data, no connection. */
export interface FloeSnowflakeSetup {
  readonly database: string;
  readonly schema: string;
  /** Emit CREATE DATABASE / CREATE SCHEMA IF NOT EXISTS (default true). */
  readonly createDatabase?: boolean;
  readonly warehouse: {
    readonly name: string;
    /** Emit CREATE WAREHOUSE IF NOT EXISTS (default false: use an existing one). */
    readonly create?: boolean;
    /** Default `XSMALL`. */
    readonly size?: 'XSMALL' | 'SMALL' | 'MEDIUM' | 'LARGE' | 'XLARGE';
    /** Default 60. */
    readonly autoSuspendSeconds?: number;
  };
  /** The role floe's runtime uses to watch pipes and tasks and read the tables. */
  readonly loader?: {
    readonly role: string;
    /** Also `GRANT ROLE ... TO USER ...`. */
    readonly user?: string;
  };
  readonly s3: {
    readonly bucket: string;
    /** The staging prefix floe writes under, e.g. `floe/sales` (no leading or trailing `/`). */
    readonly prefix: string;
    /** Default `aws`. */
    readonly partition?: 'aws' | 'aws-cn' | 'aws-us-gov';
  };
  readonly integration: {
    readonly name: string;
    /** The IAM role Snowflake assumes to read the bucket. */
    readonly awsRoleArn: string;
  };
  /** Default `FLOE_STAGE`. */
  readonly stage?: string;
  readonly format: 'csv' | 'parquet';
  /** Default `FLOE_CSV` or `FLOE_PARQUET`. */
  readonly fileFormat?: string;
  readonly schedule: TaskSchedule;
  /** Consecutive failed runs after which Snowflake suspends a task (default 3). */
  readonly suspendTaskAfterFailures?: number;
  readonly types?: TypeMapOptions;
  readonly tables: readonly TableSetup[];
}

/** Load metadata columns the pipe adds to every landing row. */
export const LOAD_METADATA_COLUMNS = ['_FLOE_FILE', '_FLOE_ROW', '_FLOE_RUN_ID', '_FLOE_LOADED_AT'] as const;

export interface ResolvedColumn {
  readonly name: string;
  readonly type: SnowflakeType;
}

export interface ResolvedDerived {
  readonly spec: DerivedTableSpec;
  readonly name: ObjectName;
}

export interface ResolvedTable {
  readonly setup: TableSetup;
  readonly path: string;
  readonly keys: readonly string[];
  readonly columns: readonly ResolvedColumn[];
  readonly landing: ObjectName;
  readonly target: ObjectName;
  readonly pipe: ObjectName;
  readonly stream: ObjectName;
  readonly task: ObjectName;
  readonly derived: readonly ResolvedDerived[];
  /** Absent when the table declares no star schema. */
  readonly star?: ResolvedStar;
  readonly schedule: TaskSchedule;
}

export interface ResolvedSetup {
  readonly config: FloeSnowflakeSetup;
  readonly database: ObjectName;
  readonly schema: ObjectName;
  readonly warehouse: ObjectName;
  readonly integration: ObjectName;
  readonly stage: ObjectName;
  readonly fileFormat: ObjectName;
  readonly bucket: string;
  readonly prefix: string;
  readonly partition: 'aws' | 'aws-cn' | 'aws-us-gov';
  /** `S3`, `S3CHINA` or `S3GOV`: the integration's STORAGE_PROVIDER for the partition. */
  readonly storageProvider: 'S3' | 'S3CHINA' | 'S3GOV';
  /** `s3://bucket/prefix/` (`s3china://`, `s3gov://` in those partitions) */
  readonly stageUrl: string;
  readonly tables: readonly ResolvedTable[];
}

/**
 * Snowflake names S3 differently per AWS partition: STORAGE_PROVIDER 'S3' | 'S3CHINA' | 'S3GOV' and
 * the matching `s3://`, `s3china://`, `s3gov://` protocol in STORAGE_ALLOWED_LOCATIONS and stage URLs
 * (CREATE STORAGE INTEGRATION; COPY INTO <table>, "protocol").
 */
const S3_LOCATION = {
  aws: { provider: 'S3', protocol: 's3' },
  'aws-cn': { provider: 'S3CHINA', protocol: 's3china' },
  'aws-us-gov': { provider: 'S3GOV', protocol: 's3gov' },
} as const;

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const SEGMENT = /^[A-Za-z0-9_.=-]+$/;
const ROLE_ARN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[A-Za-z0-9+=,.@_/-]{1,512}$/;
const CRON_FIELD = /^[0-9A-Za-z*,/#?-]+$/;
const TIME_ZONE = /^[A-Za-z][A-Za-z0-9_+/-]*$/;

/** Validates a bucket name (S3 naming rules, lower case). */
export function checkBucket(bucket: string): string {
  if (!BUCKET.test(bucket) || bucket.includes('..')) configError(`${JSON.stringify(bucket)} is not a valid S3 bucket name.`, 'Use the bucket name only (3-63 lower-case letters, digits, dots, hyphens), without s3:// or a path.', 's3.bucket');
  return bucket;
}

/** `floe/sales/` → `floe/sales`; refuses characters that would need escaping in a stage path or an ARN. */
export function normalisePrefix(prefix: string): string {
  const p = prefix.replace(/^\/+|\/+$/g, '');
  if (p.length === 0 || !p.split('/').every((s) => SEGMENT.test(s))) {
    configError(`The S3 prefix ${JSON.stringify(prefix)} is empty or holds characters floe does not allow in a stage path.`, 'Use path segments of letters, digits, _ . = - separated by /, e.g. "floe/sales".', 's3.prefix');
  }
  return p;
}

/** Checks a schedule and returns the text of Snowflake's SCHEDULE option. */
export function scheduleText(s: TaskSchedule): string {
  const fields = s.cron.trim().split(/\s+/);
  if (fields.length !== 5 || !fields.every((f) => CRON_FIELD.test(f))) configError(`${JSON.stringify(s.cron)} is not a 5-field CRON expression.`, 'Write minute hour day-of-month month day-of-week, e.g. "0 3 * * *".', 'schedule.cron');
  if (!TIME_ZONE.test(s.timeZone)) configError(`${JSON.stringify(s.timeZone)} is not an IANA time zone name.`, 'Use a name such as "UTC" or "Europe/Paris".', 'schedule.timeZone');
  // CREATE TASK: SCHEDULE = 'USING CRON <expr> <time_zone>' (docs.snowflake.com/en/sql-reference/sql/create-task).
  return `USING CRON ${fields.join(' ')} ${s.timeZone}`;
}

/**
 * Applies defaults and checks everything once, so the generators downstream only assemble nodes.
 * Throws `SnowflakeDdlError` on the first problem.
 */
export function resolveSetup(config: FloeSnowflakeSetup): ResolvedSetup {
  // Names are stored in their Snowflake form, so descriptions and ids read like the SQL.
  const db = normaliseName(config.database);
  const sc = normaliseName(config.schema);
  const inSchema = (name: string): ObjectName => ({ database: db, schema: sc, name: normaliseName(name) });
  const bucket = checkBucket(config.s3.bucket);
  const prefix = normalisePrefix(config.s3.prefix);
  if (!ROLE_ARN.test(config.integration.awsRoleArn)) configError(`${JSON.stringify(config.integration.awsRoleArn)} is not an IAM role ARN.`, 'Give the ARN of the role Snowflake will assume, e.g. arn:aws:iam::123456789012:role/floe-snowflake.', 'integration.awsRoleArn');
  const rolePartition = config.integration.awsRoleArn.split(':')[1];
  if (rolePartition !== (config.s3.partition ?? 'aws')) configError(`The role ${JSON.stringify(config.integration.awsRoleArn)} is in partition ${String(rolePartition)}, the bucket in ${config.s3.partition ?? 'aws'}.`, 'Set s3.partition to the partition of the bucket and of the role (aws, aws-cn or aws-us-gov); Snowflake reaches each partition through its own storage provider.', 's3.partition');
  if (config.tables.length === 0) configError('The setup lists no tables.', 'Add at least one table to `tables`.', 'tables');
  scheduleText(config.schedule);
  const failures = config.suspendTaskAfterFailures ?? 3;
  if (!Number.isInteger(failures) || failures < 0) configError('suspendTaskAfterFailures must be a whole number ≥ 0.', 'Use e.g. 3 (0 never suspends).', 'suspendTaskAfterFailures');

  const tables = config.tables.map((t) => resolveTable(t, config, inSchema));
  // Every object of the schema must have its own name (a derived table named like a landing table
  // would silently be the same table).
  assertNoCollisions(tables.flatMap((t) => [t.landing.name, t.target.name, ...t.derived.map((d) => d.name.name), ...starNames(t.star)]), `schema ${sc} tables`);
  assertNoCollisions(tables.map((t) => t.path), 'S3 table paths');
  assertNoCollisions(tables.flatMap((t) => [t.pipe.name, t.stream.name, t.task.name]), `schema ${sc} pipes, streams and tasks`);

  const partition = config.s3.partition ?? 'aws';
  return {
    config,
    database: { name: db },
    schema: { database: db, name: sc },
    warehouse: { name: normaliseName(config.warehouse.name) },
    integration: { name: normaliseName(config.integration.name) },
    stage: inSchema(config.stage ?? 'FLOE_STAGE'),
    fileFormat: inSchema(config.fileFormat ?? (config.format === 'csv' ? 'FLOE_CSV' : 'FLOE_PARQUET')),
    bucket,
    prefix,
    partition,
    storageProvider: S3_LOCATION[partition].provider,
    stageUrl: `${S3_LOCATION[partition].protocol}://${bucket}/${prefix}/`,
    tables,
  };
}

function starNames(star: ResolvedStar | undefined): string[] {
  if (star === undefined) return [];
  return [...star.dimensions.map((d) => d.name.name), ...(star.date ? [star.date.name.name] : []), star.fact.name.name];
}

function resolveTable(t: TableSetup, config: FloeSnowflakeSetup, inSchema: (n: string) => ObjectName): ResolvedTable {
  const src = t.source;
  const where = `table ${src.schema}.${src.name}`;
  if (src.columns.length === 0) configError(`${where} has no columns.`, 'Describe the table from the PostgreSQL catalog before planning.', src.name);
  const path = t.path ?? src.name;
  if (!SEGMENT.test(path)) configError(`The S3 path segment ${JSON.stringify(path)} of ${where} holds characters floe does not allow in a stage path.`, 'Set `path` for this table to letters, digits, _ . = - only.', src.name);

  const colNames = src.columns.map((c) => c.name);
  assertNoCollisions([...colNames, ...LOAD_METADATA_COLUMNS], `${where} columns`);
  const types: TypeMapOptions = {
    ...config.types,
    ...t.types,
    columnTypes: { ...config.types?.columnTypes, ...t.types?.columnTypes },
  };
  const columns = src.columns.map((c) => ({ name: c.name, type: mapPostgresType(c, types) }));

  const keys = t.keys ?? src.primaryKey;
  if (keys.length === 0) configError(`${where} has no primary key, so floe cannot tell a re-delivered row from a new one.`, 'Give `keys` for this table (columns that identify a row).', src.name);
  for (const k of keys) if (!colNames.includes(k)) configError(`Key column ${JSON.stringify(k)} is not a column of ${where}.`, `Use column names exactly as PostgreSQL stores them: ${colNames.join(', ')}.`, src.name);

  const base = src.name;
  const landing = t.landing ?? `${base}_LANDING`;
  const derived = (t.derived ?? []).map((spec) => {
    const dCols = spec.columns.map((c) => c.name);
    assertNoCollisions(dCols, `derived table ${spec.name} columns`);
    if (spec.keys.length === 0) configError(`Derived table ${spec.name} has no keys.`, 'Declare the columns that identify one row of it.', spec.name);
    for (const k of spec.keys) {
      if (!dCols.includes(k)) configError(`Key ${JSON.stringify(k)} is not a column of derived table ${spec.name}.`, 'List every key among `columns`.', spec.name);
      if (!colNames.includes(k)) configError(`Key ${JSON.stringify(k)} of derived table ${spec.name} is not a column of ${where}.`, 'Derived keys must be source columns: they select the rows a delivery touched.', spec.name);
    }
    return { spec, name: inSchema(spec.name) };
  });
  const star = t.star === undefined ? undefined : resolveStar(t.star, { source: src, columns, keys }, inSchema);
  return {
    setup: t,
    path,
    keys,
    columns,
    ...(star !== undefined ? { star } : {}),
    landing: inSchema(landing),
    target: inSchema(t.target ?? base),
    pipe: inSchema(t.pipe ?? `${base}_PIPE`),
    stream: inSchema(t.stream ?? `${landing}_STREAM`),
    task: inSchema(t.task ?? `${base}_MERGE`),
    derived,
    schedule: t.schedule ?? config.schedule,
  };
}
