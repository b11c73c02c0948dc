import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import type { ClientConfig } from 'pg';
import type { ExtractJob, RunProgress, WatermarkStore } from '../contracts/pipeline.js';
import type { RunId } from '../contracts/run.js';
import type { Serializer } from '../contracts/serializer.js';
import type { Uploader } from '../contracts/uploader.js';
import { createCsvSerializer } from '../csv/csv-serializer.js';
import { createParquetSerializer } from '../parquet/parquet-serializer.js';
import { floeError, type FloeError } from '../errors.js';
import { createLocalUploader } from '../local/local-uploader.js';
import type { PgPoolLike } from '../postgres/postgres-connection.js';
import { createPostgresExtractor } from '../postgres/postgres-extractor.js';
import { createS3Client } from '../s3/s3-client.js';
import type { S3Encryption } from '../s3/s3-objects.js';
import { createS3Uploader } from '../s3/s3-uploader.js';
import { createS3WatermarkStore } from '../s3/s3-watermark-store.js';
import { createFileWatermarkStore } from '../watermark/file-watermark-store.js';
import { findTable } from './config-names.js';
import type { FloeConfig } from './config-load.js';
import type { SourceConfig, StorageConfig, TableConfig } from './config-schema.js';

/** What a caller may share between jobs or inject (tests, the Lambda's warm container). */
export interface TableJobDeps {
  /** A pg pool shared by the tables of one run; each extraction opens its own client when absent. */
  readonly pool?: PgPoolLike | (() => PgPoolLike | Promise<PgPoolLike>);
  /** An S3 client shared by the tables; built from `storage` when absent. */
  readonly s3Client?: S3Client | (() => S3Client);
  /** Overrides the store the storage section implies. */
  readonly watermarks?: WatermarkStore;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: RunProgress) => void;
  readonly runId?: RunId;
  readonly now?: () => Date;
}

/**
 * Host, port, database and user of a `postgres://` URL. pg's own `connectionString` would win over
 * a separately given password (dropping it), so the URL is taken apart here. A `host` query
 * parameter (a Unix socket folder) wins over the URL's host; TLS comes from `source.ssl`, not `sslmode`.
 */
function fromUrl(text: string, defaultPort: number): ClientConfig {
  const u = new URL(text);
  const socket = u.searchParams.get('host');
  return {
    host: socket ?? decodeURIComponent(u.hostname),
    port: u.port ? Number(u.port) : defaultPort,
    database: decodeURIComponent(u.pathname.replace(/^\//, '')),
    user: decodeURIComponent(u.username),
  };
}

/** The pg connection options of the `source` section (password from its environment variable). */
export function pgClientConfig(source: SourceConfig, password: string | undefined, application = 'floe'): ResultAsync<ClientConfig, FloeError> {
  const base: ClientConfig = source.url ? fromUrl(source.url, source.port) : { host: source.host!, port: source.port, database: source.database!, user: source.user! };
  const common: ClientConfig = {
    ...base,
    ...(password !== undefined ? { password } : {}),
    application_name: application,
    // pg waits forever for a connect by default; a dead host must fail (and let an abort through).
    connectionTimeoutMillis: source.connectTimeoutMs ?? 15_000,
    ...(source.statementTimeoutMs ? { statement_timeout: source.statementTimeoutMs } : {}),
  };
  const ssl = source.ssl;
  if (ssl === false) return okAsync(common);
  if (ssl === true) return okAsync({ ...common, ssl: true });
  if (ssl.caPath === undefined) return okAsync({ ...common, ssl: { rejectUnauthorized: ssl.rejectUnauthorized } });
  const caPath = ssl.caPath;
  return ResultAsync.fromPromise(readFile(caPath, 'utf8'), (e) =>
    floeError('config', `The CA certificate file ${caPath} could not be read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`, 'Check source.ssl.caPath (relative paths start at the config file\'s folder).', { object: 'source.ssl.caPath', cause: e }),
  ).map((ca) => ({ ...common, ssl: { rejectUnauthorized: ssl.rejectUnauthorized, ca } }));
}

function s3Encryption(storage: Extract<StorageConfig, { kind: 's3' }>): S3Encryption | undefined {
  return storage.sse;
}

function serializerFor(table: TableConfig): ResultAsync<Serializer, FloeError> {
  return table.format === 'csv' ? okAsync(createCsvSerializer()) : okAsync(createParquetSerializer({ engine: table.parquetEngine }));
}

/**
 * Builds one table's {@link ExtractJob} from the config: the PostgreSQL extractor, the table's
 * serializer (CSV or Parquet), the uploader of the storage section (S3 or a local folder) and the
 * watermark store next to the data. Run it with `runExtract(job, windowFor(config, table, ...))`.
 */
export function createTableJob(config: FloeConfig, tableName: string, deps: TableJobDeps = {}): ResultAsync<ExtractJob, FloeError> {
  const found = findTable(config, tableName);
  if (found.isErr()) return errAsync(found.error);
  const table = found.value;
  const spec = 'table' in table.source ? { table: { schema: table.source.schema, name: table.source.table } } : { query: { sql: table.source.query, name: table.name } };

  const source = deps.pool
    ? okAsync({ pool: deps.pool })
    : pgClientConfig(config.source, config.secrets.sourcePassword?.reveal()).map((connection) => ({ connection }));

  const storage = config.storage;
  let uploader: Uploader;
  let watermarks: WatermarkStore;
  if (storage.kind === 's3') {
    const client = deps.s3Client ?? (() => createS3Client({ region: storage.region, ...(storage.endpoint ? { endpoint: storage.endpoint } : {}), ...(storage.forcePathStyle !== undefined ? { forcePathStyle: storage.forcePathStyle } : {}) }));
    const sse = s3Encryption(storage);
    uploader = createS3Uploader({ client, bucket: storage.bucket, prefix: storage.prefix, ...(sse ? { sse } : {}) });
    watermarks = deps.watermarks ?? createS3WatermarkStore({ client, bucket: storage.bucket, prefix: storage.prefix, ...(sse ? { sse } : {}) });
  } else {
    uploader = createLocalUploader({ dir: storage.dir });
    watermarks = deps.watermarks ?? createFileWatermarkStore(join(storage.dir, '_watermarks.json'));
  }

  return ResultAsync.combine([source, serializerFor(table)] as const).map(([src, serializer]) => ({
    table: table.name,
    extractor: createPostgresExtractor({ ...src, ...spec, ...(table.split ? { split: { slices: table.split.slices, ...(table.split.key !== undefined ? { key: table.split.key } : {}) } } : {}) }),
    serializer,
    uploader,
    bounds: table.bounds,
    watermarks,
    ...(deps.signal ? { signal: deps.signal } : {}),
    ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
    ...(deps.runId ? { runId: deps.runId } : {}),
    ...(deps.now ? { now: deps.now } : {}),
  }));
}
