export * from './contracts/index.js';
export { floeError, formatError, isFloeError, redact, registerSecret, type FloeError, type FloeErrorKind } from './errors.js';
export { createCsvSerializer, type CsvSerializerOptions } from './csv/csv-serializer.js';
export { createPostgresExtractor, type PostgresExtractorOptions } from './postgres/postgres-extractor.js';
// How the extractor asks PostgreSQL to render values: public so tools (and the bench) can reproduce floe's exact query.
export { renderColumn, renderSelectList, SESSION_SETTINGS as POSTGRES_SESSION_SETTINGS } from './postgres/postgres-sql.js';
export type { SplitOptions } from './postgres/postgres-split.js';
export type { PgClientLike, PgPoolClientLike, PgPoolLike, PgQueryResult, PgSource } from './postgres/postgres-connection.js';
export type { PgSourceSpec } from './postgres/postgres-catalog.js';
export { runExtract, DEFAULT_PART_BOUNDS } from './run/run-extract.js';
export { newRunId } from './run/run-id.js';
export { createMemoryWatermarkStore } from './watermark/memory-watermark-store.js';
export { createFileWatermarkStore } from './watermark/file-watermark-store.js';
export { createS3Client, type S3ClientOptions } from './s3/s3-client.js';
export { createS3Uploader, type S3UploaderOptions } from './s3/s3-uploader.js';
export { createS3WatermarkStore, type S3WatermarkStoreOptions } from './s3/s3-watermark-store.js';
export type { S3ClientSource, S3Encryption } from './s3/s3-objects.js';
export { createLocalUploader, type LocalUploaderOptions } from './local/local-uploader.js';
// Config, environment, pipeline-from-config, Snowflake session and provisioner (issue 5A).
export { loadConfig, parseConfig, parseConfigText, type FloeConfig, type ParseConfigOptions } from './config/config-load.js';
export {
  CONFIG_DEFAULTS,
  floeConfigSchema,
  type FloeConfigFile,
  type RunConfig,
  type SnowflakeAuthConfig,
  type SnowflakeConfig,
  type SourceConfig,
  type StorageConfig,
  type TableConfig,
} from './config/config-schema.js';
export { ENV_OVERRIDES, type EnvOverride } from './config/config-env.js';
export { resolveSecrets, type FloeSecrets, type SecretSection, type SnowflakeCredentials } from './config/config-secrets.js';
export { Secret } from './config/secret.js';
export { sampleConfig } from './config/config-sample.js';
export { findTable, objectNames, type TableObjectNames } from './config/config-names.js';
export { createTableJob, pgClientConfig, type TableJobDeps } from './config/table-job.js';
export { previousDate, windowFor, type WindowSelection } from './config/table-window.js';
export { envBoolean, envInteger, envString, requireEnv, requireSecretEnv, type FloeEnv } from './env/env-read.js';
export { connectSnowflake, type ConnectSnowflakeOptions, type SnowflakeBind, type SnowflakeSession } from './snowflake/snowflake-session.js';
export {
  createSnowflakeProvisioner,
  type IntegrationIdentity,
  type PipeChannel,
  type ProvisionSetup,
  type SetupStepLike,
  type SnowflakeProvisionerOptions,
} from './snowflake/snowflake-provisioner.js';
export { provisionSetup, snowflakeSetupFromConfig, type SetupExtras } from './snowflake/snowflake-setup.js';
export { createParquetSerializer, type ParquetSerializerOptions } from './parquet/parquet-serializer.js';
