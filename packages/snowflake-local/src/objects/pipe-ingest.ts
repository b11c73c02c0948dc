/**
 * Snowpipe's delivery path: S3 event notifications are routed like SQS messages (only when a
 * queue configuration of the bucket matches the event and targets the account's channel), every
 * auto-ingest pipe covering the key queues the file, and one worker loads queued files in order.
 */
import type { EngineHandle } from '../engine/extension.js';
import { pipeCovers, PIPE_HISTORY_DAYS, runCopy } from './copy-loader.js';
import type { Pipe } from './object-catalog.js';
import type { ObjectsState } from './objects-state.js';
import { splitQualified } from './result-rows.js';

/** One object event, as s3rver or AWS reports it (`ObjectCreated:Put`, with or without `s3:`). */
export interface ObjectEvent {
  readonly eventName: string;
  readonly bucket: string;
  readonly key: string;
}

/** An S3 event notification message (`{Records:[{eventName, s3:{bucket:{name}, object:{key}}}]}`). */
export interface S3EventMessage {
  readonly Records: ReadonlyArray<{
    readonly eventName: string;
    readonly s3: { readonly bucket: { readonly name: string }; readonly object: { readonly key: string } };
  }>;
}

interface QueueConfiguration {
  readonly QueueArn?: string;
  readonly Events?: readonly string[];
  readonly Filter?: { readonly Key?: { readonly FilterRules?: ReadonlyArray<{ readonly Name?: string; readonly Value?: string }> } };
}

const DAY_MS = 86_400_000;

/** Flattens either event shape; keys in a Records message are URL-encoded as AWS sends them. */
export function normaliseEvents(e: ObjectEvent | S3EventMessage): ObjectEvent[] {
  if ('Records' in e) {
    return e.Records.map((r) => ({ eventName: r.eventName, bucket: r.s3.bucket.name, key: decodeURIComponent(r.s3.object.key.replace(/\+/g, ' ')) }));
  }
  return [e];
}

function eventMatches(pattern: string, eventName: string): boolean {
  const p = pattern.replace(/^s3:/, '');
  const e = eventName.replace(/^s3:/, '');
  return p.endsWith(':*') ? e.startsWith(p.slice(0, -1)) : p === e;
}

export class PipeIngest {
  private readonly queue: Array<{ pipe: string; path: string }> = [];
  private running: Promise<void> | undefined;
  private engine: EngineHandle | undefined;

  constructor(private readonly state: ObjectsState) {}

  attach(engine: EngineHandle): void {
    this.engine = engine;
  }

  /** Stores a bucket's NotificationConfiguration (PutBucketNotificationConfiguration's body). */
  setBucketNotification(bucket: string, configuration: unknown): void {
    const parsed: unknown = typeof configuration === 'string' ? JSON.parse(configuration) : configuration;
    if (parsed === null || typeof parsed !== 'object') throw new TypeError(`Bucket notification for ${bucket} must be a JSON object`);
    this.state.catalog.bucketNotifications.set(bucket, parsed);
  }

  /** Routes events; returns how many (pipe, file) loads were queued. */
  deliver(e: ObjectEvent | S3EventMessage): number {
    let queued = 0;
    for (const event of normaliseEvents(e)) {
      if (!this.routedToChannel(event)) continue;
      const now = this.clockNow();
      for (const pipe of this.state.catalog.pipes.values()) {
        if (!pipe.autoIngest) continue;
        const stage = this.state.catalog.stages.get(pipe.stageQualified);
        if (stage === undefined) continue;
        const path = pipeCovers(stage, pipe.copy, event.bucket, event.key);
        if (path === undefined) continue;
        pipe.lastReceivedMessageTimestamp = now;
        if (this.enqueue(pipe, path)) queued += 1;
      }
    }
    return queued;
  }

  /** Queues a file for a pipe unless already pending; a paused pipe keeps it pending. */
  enqueue(pipe: Pipe, path: string): boolean {
    if (pipe.pending.has(path)) return false;
    pipe.pending.add(path);
    if (!pipe.paused) this.push(pipe.qualified, path);
    return true;
  }

  /** After a pipe resumes: its pending files go back on the queue. */
  resume(pipe: Pipe): void {
    for (const path of pipe.pending) this.push(pipe.qualified, path);
  }

  /** Resolves when every queued file of a running pipe has been processed. */
  async drain(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  private push(pipe: string, path: string): void {
    this.queue.push({ pipe, path });
    this.running ??= this.work().finally(() => {
      this.running = undefined;
    });
  }

  private clockNow(): Date {
    return this.engine?.clock.now() ?? new Date();
  }

  /** SQS only receives what a queue configuration of the bucket sends to the account's channel. */
  private routedToChannel(event: ObjectEvent): boolean {
    const config = this.state.catalog.bucketNotifications.get(event.bucket) as { QueueConfigurations?: readonly QueueConfiguration[] } | undefined;
    for (const q of config?.QueueConfigurations ?? []) {
      if (q.QueueArn !== this.state.identity.notificationChannel) continue;
      if (!(q.Events ?? []).some((p) => eventMatches(p, event.eventName))) continue;
      const rules = q.Filter?.Key?.FilterRules ?? [];
      const ok = rules.every((r) => {
        const name = (r.Name ?? '').toLowerCase();
        if (name === 'prefix') return event.key.startsWith(r.Value ?? '');
        if (name === 'suffix') return event.key.endsWith(r.Value ?? '');
        return false;
      });
      if (ok) return true;
    }
    return false;
  }

  private async work(): Promise<void> {
    for (let item = this.queue.shift(); item !== undefined; item = this.queue.shift()) {
      const pipe = this.state.catalog.pipes.get(item.pipe);
      // A pipe replaced or dropped since the event: the old pipe's queue is gone with it.
      if (pipe === undefined || !pipe.pending.has(item.path)) continue;
      if (pipe.paused) continue;
      try {
        await this.load(pipe, item.path);
      } catch (e) {
        pipe.lastError = e instanceof Error ? e.message : String(e);
      } finally {
        pipe.pending.delete(item.path);
      }
    }
  }

  private async load(pipe: Pipe, path: string): Promise<void> {
    const engine = this.engine;
    if (engine === undefined) throw new Error('The objects extension was not started by the engine (no EngineHandle): pipes cannot load.');
    const now = engine.clock.now();
    const loadedAt = pipe.history.get(path);
    // Pipe load metadata is by path only: an overwritten file is NOT loaded again (as Snowpipe).
    if (loadedAt !== undefined && now.getTime() - loadedAt.getTime() <= PIPE_HISTORY_DAYS * DAY_MS) return;
    const [database, schema] = splitQualified(pipe.qualified);
    const session = await engine.openSession({ user: pipe.ownerSession.user, role: pipe.ownerSession.role, database, schema, warehouse: pipe.ownerSession.warehouse });
    try {
      const results = await runCopy(session, this.state, pipe.copy, { kind: 'pipe', pipe, paths: [path] });
      for (const r of results) {
        if (r.status === 'LOAD_FAILED') {
          pipe.lastError = r.firstError ?? `Load of ${r.path} failed`;
          continue;
        }
        pipe.history.set(r.path, now);
        pipe.lastIngestedTimestamp = now;
        pipe.lastIngestedFilePath = r.path;
      }
      pipe.lastForwardedMessageTimestamp = now;
    } finally {
      await session.close();
    }
  }
}
