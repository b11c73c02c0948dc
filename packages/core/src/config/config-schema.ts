import { z } from 'zod';

/**
 * Every default of the floe config file, in one place. The schema below refers to these; nothing
 * else in floe invents a default for a config key.
 */
export const CONFIG_DEFAULTS = {
  source: { port: 5432, passwordEnv: 'PGPASSWORD', ssl: false },
  table: {
    schema: 'public',
    format: 'csv',
    parquetEngine: 'arrow',
    // Snowflake recommends 100-250 MB compressed per file; CSV of sales-like rows gzips ~5-8x,
    // so 1 GiB uncompressed (or 5M rows) lands near the low end of that range.
    bounds: { maxRows: 5_000_000, maxBytes: 1024 * 1024 * 1024 },
  },
  storage: { prefix: 'floe', region: 'us-east-1' },
  snowflake: {
    schema: 'PUBLIC',
    // Key pair first: Snowflake is retiring password-only sign-in for service users.
    auth: { kind: 'keypair', privateKeyEnv: 'SNOWFLAKE_PRIVATE_KEY' },
    patTokenEnv: 'SNOWFLAKE_TOKEN',
    passwordEnv: 'SNOWFLAKE_PASSWORD',
    objects: {
      integration: 'FLOE_S3_INTEGRATION',
      stage: 'FLOE_STAGE',
      fileFormat: 'FLOE_{FORMAT}',
      landing: '{TABLE}_LANDING',
      // The consolidated table: one row per key, latest delivery wins.
      target: '{TABLE}',
      pipe: '{TABLE}_PIPE',
      stream: '{TABLE}_LANDING_STREAM',
      task: '{TABLE}_MERGE',
    },
    // The task only runs when its stream has rows (WHEN SYSTEM$STREAM_HAS_DATA), so a frequent
    // schedule costs nothing on idle runs and lands data soon after Snowpipe loads it.
    task: { schedule: '*/15 * * * *', timeZone: 'UTC' },
  },
  run: { timeZone: 'UTC', parallel: 1 },
} as const;

const nonEmpty = z.string().trim().min(1, 'must not be empty');

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const timeZone = nonEmpty.refine(isTimeZone, { message: 'must be an IANA time zone such as UTC or Europe/Paris' });

/** An environment variable NAME (never a value: secrets stay out of the file). */
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name such as PGPASSWORD (the value itself never goes in the file)');

const sqlName = nonEmpty.max(255, 'must be at most 255 characters');

const postgresUrl = nonEmpty.superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a URL such as postgres://user@host:5432/database' });
    return;
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    ctx.addIssue({ code: 'custom', message: `must start with postgres:// (got ${url.protocol}//)` });
  }
  if (url.password !== '') {
    ctx.addIssue({ code: 'custom', message: 'must not contain a password: remove it from the URL and put it in the environment variable named by source.passwordEnv' });
  }
});

const sourceSchema = z
  .strictObject({
    url: postgresUrl.optional(),
    host: nonEmpty.optional(),
    port: z.number().int().min(1).max(65535).default(CONFIG_DEFAULTS.source.port),
    database: nonEmpty.optional(),
    user: nonEmpty.optional(),
    passwordEnv: envName.default(CONFIG_DEFAULTS.source.passwordEnv),
    ssl: z
      .union([z.boolean(), z.strictObject({ rejectUnauthorized: z.boolean().default(true), caPath: nonEmpty.optional() })])
      .default(CONFIG_DEFAULTS.source.ssl),
    statementTimeoutMs: z.number().int().min(0).optional(),
    /** How long to wait for PostgreSQL to accept a connection (default 15 s). */
    connectTimeoutMs: z.number().int().min(1).optional(),
  })
  .superRefine((s, ctx) => {
    if (s.url === undefined) {
      for (const key of ['host', 'database', 'user'] as const) {
        if (s[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when source.url is not given' });
      }
    }
  });

const windowSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('day'), column: sqlName, timeZone: timeZone.optional() }),
  z.strictObject({ kind: z.literal('cursor'), column: sqlName, lagSeconds: z.number().int().min(0).optional() }),
  z.strictObject({ kind: z.literal('full') }),
]);

const boundsSchema = z.strictObject({
  maxRows: z.number().int().positive().default(CONFIG_DEFAULTS.table.bounds.maxRows),
  maxBytes: z.number().int().positive().default(CONFIG_DEFAULTS.table.bounds.maxBytes),
});

const tableSchema = z.strictObject({
  /** Logical name: used in object keys (`<prefix>/<name>/dt=...`) and Snowflake object names. */
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be lower case letters, digits and _ starting with a letter (it becomes part of S3 keys and Snowflake names)'),
  source: z.union([
    z.strictObject({ schema: sqlName.default(CONFIG_DEFAULTS.table.schema), table: sqlName }),
    z.strictObject({ query: nonEmpty }),
  ]),
  window: windowSchema,
  format: z.enum(['csv', 'parquet']).default(CONFIG_DEFAULTS.table.format),
  parquetEngine: z.enum(['arrow', 'parquetjs-lite']).default(CONFIG_DEFAULTS.table.parquetEngine),
  bounds: boundsSchema.default({ ...CONFIG_DEFAULTS.table.bounds }),
  primaryKey: z.array(sqlName).min(1).optional(),
  /** Read the window over several connections in one exported snapshot, one key range each. */
  split: z.strictObject({ slices: z.number().int().min(1).max(16), key: sqlName.optional() }).optional(),
});

const storageSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('s3'),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name (3-63 lower case letters, digits, dots, hyphens)'),
    prefix: z
      .string()
      .regex(/^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/, 'must be a key prefix without leading or trailing / such as floe or exports/floe')
      .default(CONFIG_DEFAULTS.storage.prefix),
    region: nonEmpty.default(CONFIG_DEFAULTS.storage.region),
    endpoint: z.url().optional(),
    forcePathStyle: z.boolean().optional(),
    sse: z
      .discriminatedUnion('type', [z.strictObject({ type: z.literal('AES256') }), z.strictObject({ type: z.literal('aws:kms'), kmsKeyId: nonEmpty })])
      .optional(),
  }),
  z.strictObject({ kind: z.literal('local'), dir: nonEmpty }),
]);

const authSchema = z.discriminatedUnion('kind', [
  z
    .strictObject({ kind: z.literal('keypair'), privateKeyPath: nonEmpty.optional(), privateKeyEnv: envName.optional(), passphraseEnv: envName.optional() })
    .refine((a) => !(a.privateKeyPath !== undefined && a.privateKeyEnv !== undefined), { message: 'give privateKeyPath or privateKeyEnv, not both' })
    .transform((a) => (a.privateKeyPath === undefined && a.privateKeyEnv === undefined ? { ...a, privateKeyEnv: CONFIG_DEFAULTS.snowflake.auth.privateKeyEnv } : a)),
  z.strictObject({ kind: z.literal('pat'), tokenEnv: envName.default(CONFIG_DEFAULTS.snowflake.patTokenEnv) }),
  z.strictObject({ kind: z.literal('password'), passwordEnv: envName.default(CONFIG_DEFAULTS.snowflake.passwordEnv) }),
]);

/** A name, or a template where `{TABLE}` is the upper-cased table name and `{FORMAT}` CSV or PARQUET. */
const nameTemplate = sqlName;

const objectsSchema = z.strictObject({
  integration: sqlName.default(CONFIG_DEFAULTS.snowflake.objects.integration),
  stage: sqlName.default(CONFIG_DEFAULTS.snowflake.objects.stage),
  fileFormat: nameTemplate.default(CONFIG_DEFAULTS.snowflake.objects.fileFormat),
  landing: nameTemplate.default(CONFIG_DEFAULTS.snowflake.objects.landing),
  target: nameTemplate.default(CONFIG_DEFAULTS.snowflake.objects.target),
  pipe: nameTemplate.default(CONFIG_DEFAULTS.snowflake.objects.pipe),
  stream: nameTemplate.default(CONFIG_DEFAULTS.snowflake.objects.stream),
  task: nameTemplate.default(CONFIG_DEFAULTS.snowflake.objects.task),
});

const cron = z
  .string()
  .trim()
  .regex(/^\S+(\s+\S+){4}$/, 'must be a 5-field cron expression such as "0 3 * * *" (minute hour day month weekday)');

const snowflakeSchema = z.strictObject({
  /** Account identifier, e.g. `myorg-myaccount`; only a label when accessUrl is set. */
  account: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'must be an account identifier such as myorg-myaccount'),
  /** Full URL of the endpoint (the local endpoint: http://127.0.0.1:PORT); wins over host. */
  accessUrl: z.url().optional(),
  host: nonEmpty.optional(),
  user: nonEmpty,
  role: nonEmpty,
  warehouse: sqlName,
  database: sqlName,
  schema: sqlName.default(CONFIG_DEFAULTS.snowflake.schema),
  auth: authSchema.default({ ...CONFIG_DEFAULTS.snowflake.auth }),
  objects: objectsSchema.default({ ...CONFIG_DEFAULTS.snowflake.objects }),
  /** IAM role Snowflake's storage integration assumes to read the bucket. */
  roleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'must be an IAM role ARN such as arn:aws:iam::123456789012:role/floe-snowflake').optional(),
  task: z
    .strictObject({ schedule: cron.default(CONFIG_DEFAULTS.snowflake.task.schedule), timeZone: timeZone.default(CONFIG_DEFAULTS.snowflake.task.timeZone) })
    .default({ ...CONFIG_DEFAULTS.snowflake.task }),
  /** A role granted usage on the landing objects, for the people or tools that load by hand. */
  loaderRole: nonEmpty.optional(),
});

const runSchema = z.strictObject({
  timeZone: timeZone.default(CONFIG_DEFAULTS.run.timeZone),
  parallel: z.number().int().min(1).max(64).default(CONFIG_DEFAULTS.run.parallel),
});

/** The whole floe config file. */
export const floeConfigSchema = z
  .strictObject({
    source: sourceSchema,
    tables: z.array(tableSchema).min(1, 'must list at least one table'),
    storage: storageSchema,
    snowflake: snowflakeSchema.optional(),
    run: runSchema.default({ ...CONFIG_DEFAULTS.run }),
  })
  .superRefine((c, ctx) => {
    const seen = new Map<string, number>();
    c.tables.forEach((t, i) => {
      const first = seen.get(t.name);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['tables', i, 'name'], message: `duplicates tables[${first}].name "${t.name}"` });
      else seen.set(t.name, i);
    });
    if (c.snowflake && c.storage.kind === 's3' && c.snowflake.roleArn === undefined) {
      ctx.addIssue({ code: 'custom', path: ['snowflake', 'roleArn'], message: 'is required with S3 storage (the storage integration assumes this IAM role)' });
    }
  })
  // Cross-section defaults: a day window without its own zone uses the run's zone.
  .transform((c) => ({
    ...c,
    tables: c.tables.map((t) => (t.window.kind === 'day' ? { ...t, window: { ...t.window, timeZone: t.window.timeZone ?? c.run.timeZone } } : t)),
  }));

/** The validated config file, every default applied (no secret values: only env variable names). */
export type FloeConfigFile = z.output<typeof floeConfigSchema>;
export type SourceConfig = FloeConfigFile['source'];
export type TableConfig = FloeConfigFile['tables'][number];
export type StorageConfig = FloeConfigFile['storage'];
export type SnowflakeConfig = NonNullable<FloeConfigFile['snowflake']>;
export type SnowflakeAuthConfig = SnowflakeConfig['auth'];
export type RunConfig = FloeConfigFile['run'];
