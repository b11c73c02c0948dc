/**
 * @floe/snowflake-local: a local Snowflake endpoint for tests and demos. The real snowflake-sdk
 * connects to it over loopback HTTP; statements run in DuckDB, with Snowflake's objects (stages,
 * pipes, streams, tasks) emulated by extensions.
 */
import { Engine } from './engine/engine.js';
import { systemClock } from './engine/clock.js';
import type { Clock, EngineExtension, EngineHandle } from './engine/extension.js';
import type { LocalUserSpec } from './engine/account-registry.js';
import { ProtocolServer } from './server/http-server.js';
import { createChangesExtension, type ChangesExtension, type TaskRun } from './changes/index.js';
import { createObjectsExtension, type ObjectsExtension, type S3EventMessage } from './objects/index.js';

export { ManualClock, systemClock } from './engine/clock.js';
export type { LocalUserSpec } from './engine/account-registry.js';
export type {
  Clock,
  EngineContext,
  EngineExtension,
  EngineHandle,
  ResultColumn,
  SessionState,
  StatementHandler,
  StatementKind,
  StatementResult,
  WireType,
} from './engine/extension.js';
export type { TaskRun } from './changes/index.js';
export type { S3EventMessage, ObjectEvent } from './objects/index.js';

/** Where stages read objects from: an S3-compatible endpoint (s3rver in tests). */
export interface LocalS3Options {
  readonly endpoint: string;
  readonly region?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly forcePathStyle?: boolean;
}

export interface SnowflakeLocalOptions {
  /** TCP port on 127.0.0.1; 0 or absent picks a free one. */
  readonly port?: number;
  /** Account name (`LOCAL` by default); key-pair JWTs must name it. */
  readonly account?: string;
  /** Users allowed to log in. Without this option one user exists: `LOCAL` with password `local`. */
  readonly users?: readonly LocalUserSpec[];
  /** A database created at start (with its PUBLIC schema). */
  readonly database?: string;
  /** A directory holding one DuckDB file per database, so a demo's state can be inspected; in memory when absent. */
  readonly path?: string;
  /** The clock tasks and CURRENT_TIMESTAMP follow: a `ManualClock` for tests, the system clock by default. */
  readonly clock?: Clock;
  /** The S3-compatible endpoint external stages read from. */
  readonly s3?: LocalS3Options;
  /** Makes every query take at least this long, to exercise the driver's in-progress polling. */
  readonly slowMs?: number;
  /** Session token validity in seconds (3600 by default). */
  readonly sessionValiditySeconds?: number;
  /** Fire due tasks from a timer (default: on unless `clock` is a ManualClock). */
  readonly autoRunTasks?: boolean;
  /** Further extensions, composed after the built-in ones. */
  readonly extensions?: readonly EngineExtension[];
}

/** A running local endpoint. */
export interface SnowflakeLocal {
  /** `http://127.0.0.1:<port>`: pass as snowflake-sdk's `accessUrl`. */
  readonly accessUrl: string;
  readonly host: string;
  readonly port: number;
  readonly account: string;
  readonly clock: Clock;
  /** Background access to the engine (internal sessions without HTTP login). */
  readonly engine: EngineHandle;
  readonly users: { add(user: LocalUserSpec): void };
  /** Feeds an S3 event notification (`{Records:[...]}`) to the pipes listening on its bucket. */
  deliverS3Event(event: unknown): Promise<void>;
  /** Records a bucket's NotificationConfiguration (the JSON floe generates) so events reach the pipes. */
  setBucketNotification(bucket: string, notificationConfigJson: unknown): Promise<void>;
  /** Waits until every pipe has loaded every file it was notified of. */
  drainPipes(): Promise<void>;
  /** Runs every started task whose schedule is due on `clock`. */
  runDueTasks(): Promise<TaskRun[]>;
  /** Expires every session token, so the next request renews it (tests of the driver's renewal). */
  expireSessionTokens(): void;
  /** The SQS ARN every auto-ingest pipe of the account listens on (SHOW PIPES' notification_channel). */
  readonly notificationChannel: string;
  /** Every task run recorded so far, oldest first. */
  taskHistory(): readonly TaskRun[];
  stop(): Promise<void>;
}

/**
 * Starts a local Snowflake endpoint on loopback.
 * @example
 * const sf = await startSnowflakeLocal({ users: [{ name: 'floe', password: 'pw' }], database: 'ANALYTICS' });
 * // snowflake.createConnection({ accessUrl: sf.accessUrl, account: sf.account, username: 'floe', password: 'pw' })
 * await sf.stop();
 */
export async function startSnowflakeLocal(opts: SnowflakeLocalOptions = {}): Promise<SnowflakeLocal> {
  const account = (opts.account ?? 'LOCAL').toUpperCase();
  const clock = opts.clock ?? systemClock;
  const engine = await Engine.create({ account, clock, ...(opts.path ? { path: opts.path } : {}) });
  for (const u of opts.users ?? [{ name: 'LOCAL', password: 'local' }]) engine.registry.addUser(u);
  if (opts.database) await engine.createDatabase(opts.database.toUpperCase());

  const objects: ObjectsExtension = createObjectsExtension({ account, ...(opts.s3 ? { s3: opts.s3 } : {}) });
  const changes: ChangesExtension = createChangesExtension(opts.autoRunTasks === undefined ? {} : { autoRun: opts.autoRunTasks });
  engine.addExtension(objects);
  engine.addExtension(changes);
  for (const e of opts.extensions ?? []) engine.addExtension(e);
  for (const e of engine.extensions) await e.start?.(engine);

  const deliverS3Event = async (event: unknown): Promise<void> => {
    if (typeof event !== 'object' || event === null) throw new TypeError('deliverS3Event needs an S3 event notification object ({Records:[...]}).');
    objects.deliverS3Event(event as S3EventMessage);
  };
  const setBucketNotification = async (bucket: string, config: unknown): Promise<void> => {
    objects.setBucketNotification(bucket, typeof config === 'string' ? (JSON.parse(config) as unknown) : config);
  };

  const server = new ProtocolServer({
    engine,
    ...(opts.slowMs !== undefined ? { slowMs: opts.slowMs } : {}),
    ...(opts.sessionValiditySeconds !== undefined ? { sessionValiditySeconds: opts.sessionValiditySeconds } : {}),
    control: (method, path, body) => {
      if (method === 'POST' && path === '/_local/s3-events') return deliverS3Event(body).then(() => ({ delivered: true }));
      const m = path.match(/^\/_local\/bucket-notifications\/([^/]+)$/);
      if (m && (method === 'PUT' || method === 'POST')) return setBucketNotification(decodeURIComponent(m[1]!), body).then(() => ({ bucket: m[1] }));
      if (method === 'POST' && path === '/_local/drain-pipes') return objects.drainPipes().then(() => ({ drained: true }));
      if (method === 'POST' && path === '/_local/run-due-tasks') return changes.runDueTasks().then((runs) => ({ runs: runs.length }));
      return undefined;
    },
  });
  let port: number;
  try {
    port = await server.listen(opts.port ?? 0);
  } catch (e) {
    for (const ext of engine.extensions) await ext.stop?.();
    await engine.stop();
    throw e;
  }
  const host = '127.0.0.1';
  let stopped = false;
  return {
    accessUrl: `http://${host}:${port}`,
    host,
    port,
    account,
    clock,
    engine,
    users: { add: (u) => void engine.registry.addUser(u) },
    deliverS3Event,
    setBucketNotification,
    drainPipes: () => objects.drainPipes(),
    runDueTasks: () => changes.runDueTasks(),
    expireSessionTokens: () => server.expireSessionTokens(),
    notificationChannel: objects.notificationChannel,
    taskHistory: () => changes.taskHistory(),
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.close();
      for (const ext of engine.extensions) await ext.stop?.();
      await engine.stop();
    },
  };
}
