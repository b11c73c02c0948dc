/**
 * The objects layer of the local Snowflake endpoint: storage integrations, file formats, external
 * S3 stages, COPY INTO, and auto-ingest pipes fed by S3 event notifications.
 */
import type { EngineExtension, EngineHandle, StatementHandler } from '../engine/extension.js';
import { copyHandlers } from './copy-handler.js';
import { copyHistoryHandler } from './copy-history.js';
import { fileFormatHandlers } from './file-format-handlers.js';
import { integrationHandlers } from './integration-handlers.js';
import { ObjectCatalog } from './object-catalog.js';
import { accountIdentity, type ObjectsState } from './objects-state.js';
import { ParquetReader } from './parquet-records.js';
import { pipeHandlers, pipeStatusJson } from './pipe-handlers.js';
import { PipeIngest, type ObjectEvent, type S3EventMessage } from './pipe-ingest.js';
import { createS3ObjectStore, type ObjectStore } from './s3-object-store.js';
import { stageHandlers } from './stage-handlers.js';

export { SnowflakeSqlError } from './snowflake-error.js';
export type { ObjectEvent, S3EventMessage } from './pipe-ingest.js';

export interface ObjectsExtensionOptions {
  /** The account name (external ids start with it; the SQS channel is derived from it). */
  readonly account?: string;
  /** AWS region of the account's SQS channel (`us-east-1` by default). */
  readonly region?: string;
  /** The S3-compatible endpoint external stages read from. */
  readonly s3?: {
    readonly endpoint: string;
    readonly region?: string;
    readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
    readonly forcePathStyle?: boolean;
  };
}

export interface ObjectsExtension extends EngineExtension {
  /** The SQS ARN every auto-ingest pipe of the account listens on (SHOW PIPES' notification_channel). */
  readonly notificationChannel: string;
  /** Routes an S3 event (or a whole `{Records:[...]}` message); resolves to the number of files queued. */
  deliverS3Event(event: ObjectEvent | S3EventMessage): number;
  /** Records a bucket's NotificationConfiguration (AWS PutBucketNotificationConfiguration shape). */
  setBucketNotification(bucket: string, notificationConfiguration: unknown): void;
  /** Resolves when every queued file of every running pipe is loaded (or failed). */
  drainPipes(): Promise<void>;
}

/** A store that fails loudly: no S3 endpoint was configured for the stages to read. */
function missingStore(): ObjectStore {
  const fail = (): never => {
    throw new Error('The local Snowflake endpoint has no S3 endpoint configured (startSnowflakeLocal({ s3: { endpoint, ... } })): stages cannot be read.');
  };
  return { list: async () => fail(), get: async () => fail(), close: () => undefined };
}

/**
 * Creates the extension; the engine composes it into `startSnowflakeLocal`.
 * @example
 * const objects = createObjectsExtension({ account: 'LOCAL', s3: { endpoint: s3.endpoint, credentials: s3.credentials } });
 */
export function createObjectsExtension(opts: ObjectsExtensionOptions = {}): ObjectsExtension {
  const identity = accountIdentity(opts.account ?? 'LOCAL', opts.region ?? 'us-east-1');
  const store =
    opts.s3 === undefined
      ? missingStore()
      : createS3ObjectStore({
          endpoint: opts.s3.endpoint,
          region: opts.s3.region ?? 'us-east-1',
          credentials: opts.s3.credentials ?? { accessKeyId: 'local', secretAccessKey: 'local' },
          forcePathStyle: opts.s3.forcePathStyle ?? true,
        });
  const state: ObjectsState = { catalog: new ObjectCatalog(), identity, store, parquet: new ParquetReader() };
  const ingest = new PipeIngest(state);
  const handlers: StatementHandler[] = [
    ...integrationHandlers(state),
    ...fileFormatHandlers(state),
    ...stageHandlers(state),
    ...copyHandlers(state),
    ...pipeHandlers(state, ingest),
    copyHistoryHandler(state),
  ];
  return {
    handlers,
    notificationChannel: identity.notificationChannel,
    rewriteFunction(name, args, ctx) {
      if (name !== 'SYSTEM$PIPE_STATUS' || args.length !== 1) return undefined;
      const m = /^'((?:[^']|'')*)'$/.exec((args[0] ?? '').trim());
      if (m === null) return undefined;
      const json = pipeStatusJson(state, ctx.qualify((m[1] as string).replace(/''/g, "'")));
      return `'${json.replace(/'/g, "''")}'`;
    },
    async start(engine: EngineHandle) {
      ingest.attach(engine);
    },
    async stop() {
      await ingest.drain();
      store.close();
      state.parquet.close();
    },
    deliverS3Event: (event) => ingest.deliver(event),
    setBucketNotification: (bucket, configuration) => ingest.setBucketNotification(bucket, configuration),
    drainPipes: () => ingest.drain(),
  };
}
