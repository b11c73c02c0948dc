import { okAsync, type ResultAsync } from 'neverthrow';
import { createS3Client, floeError, type FloeConfig, type FloeEnv, type FloeError, type Secret } from '@floe/core';
import { watchDeadline } from './lambda-deadline.js';
import { parseInvocation, type Invocation } from './lambda-events.js';
import { executeRuns, planRuns, reported, type ReportedError, type TableRun } from './lambda-run.js';
import { readLambdaSettings, type LambdaSettings } from './lambda-settings.js';
import { createSecretsManagerPassword, type PasswordFetcher, type SecretsManagerLike } from './secrets-manager-password.js';

/** The part of Lambda's context the handler reads. */
export interface LambdaContextLike {
  readonly awsRequestId: string;
  getRemainingTimeInMillis(): number;
}

/** What an invocation returns (and logs as one JSON line). */
export interface LambdaRunReport {
  readonly status: 'ok' | 'failed';
  readonly requestId: string;
  readonly trigger: Invocation['kind'];
  /** Scheduled invocations: the schedule's time the days were derived from. */
  readonly scheduledTime?: string;
  readonly runs: readonly TableRun[];
  readonly rows: number;
  readonly files: number;
  readonly durationMs: number;
}

/**
 * Thrown to Lambda when an invocation fails, so the invocation counts as an error (metrics, async
 * retries, destinations). `errorType` is `FloeError`, the message says what failed and what to do,
 * and the stack holds only that message: Lambda shows no source frames to the user.
 */
export class FloeLambdaError extends Error {
  readonly kind: ReportedError['kind'];
  readonly object: string | undefined;
  readonly hint: string;

  constructor(error: ReportedError, extra = '') {
    super(`[${error.kind}] ${error.message}${error.object ? ` (${error.object})` : ''} → ${error.hint}${extra}`);
    this.name = 'FloeError';
    this.kind = error.kind;
    this.object = error.object;
    this.hint = error.hint;
    this.stack = `${this.name}: ${this.message}`;
  }
}

/** Options of {@link createHandler}; everything defaults to what a deployed function uses. */
export interface HandlerOptions {
  /** Default `process.env`, read once, when the handler is created (the cold start). */
  readonly env?: FloeEnv;
  readonly readFile?: (path: string) => string;
  /** Secrets Manager client (tests pass a mocked one); one is created on first use otherwise. */
  readonly secretsClient?: SecretsManagerLike | (() => SecretsManagerLike);
  /**
   * Where the JSON lines go. Default: straight to stdout, so CloudWatch Logs stores each line as
   * pure JSON (console.log would prefix time, request id and level), which JSON metric filters such
   * as `{ $.status = "failed" }` can match.
   */
  readonly log?: (line: string) => void;
}

export type FloeLambdaHandler = (event: unknown, context: LambdaContextLike) => Promise<LambdaRunReport>;

function logLine(log: (line: string) => void, level: 'INFO' | 'ERROR', message: string, fields: object): void {
  log(JSON.stringify({ level, message, ...fields }));
}

/**
 * Creates the Lambda handler. The environment is validated now, at cold start: a bad config is
 * logged once as a JSON line and every invocation then fails with the same clear error. The
 * password is fetched on the first invocation and kept for the container's lifetime; the S3 client
 * is shared by the container's invocations; each invocation opens its own PostgreSQL connections
 * and closes them before it returns.
 */
export function createHandler(options: HandlerOptions = {}): FloeLambdaHandler {
  const log = options.log ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const settings = readLambdaSettings(options.env ?? process.env, options.readFile);
  if (settings.isErr()) logLine(log, 'ERROR', 'floe: the function is not configured correctly', { error: reported(settings.error) });

  let password: PasswordFetcher | undefined;
  let s3: ReturnType<typeof createS3Client> | undefined;
  const s3Client = (config: FloeConfig) => () => {
    if (s3) return s3;
    const storage = config.storage;
    if (storage.kind !== 's3') throw new Error('unreachable: settings require S3 storage');
    s3 = createS3Client({ region: storage.region, ...(storage.endpoint ? { endpoint: storage.endpoint } : {}), ...(storage.forcePathStyle !== undefined ? { forcePathStyle: storage.forcePathStyle } : {}) });
    return s3;
  };

  const configWithPassword = (s: LambdaSettings, signal: AbortSignal): ResultAsync<FloeConfig, FloeError> => {
    if (s.password.kind === 'env') return okAsync(s.config);
    const source = s.password;
    password ??= createSecretsManagerPassword({ secretId: source.secretId, jsonKey: source.jsonKey, ...(options.secretsClient ? { client: options.secretsClient } : {}) });
    return password(signal).map((sourcePassword: Secret) => ({ ...s.config, secrets: { ...s.config.secrets, sourcePassword } }));
  };

  return async (event, context) => {
    const started = Date.now();
    const requestId = context.awsRequestId;
    const fail = (error: FloeError): never => {
      logLine(log, 'ERROR', 'floe: invocation refused', { requestId, error: reported(error) });
      throw new FloeLambdaError(reported(error));
    };
    if (settings.isErr()) return fail(settings.error);
    const s = settings.value;
    const invocation = parseInvocation(event, { maxDays: s.maxDays });
    if (invocation.isErr()) return fail(invocation.error);
    const plan = planRuns(s.config, invocation.value);
    if (plan.isErr()) return fail(plan.error);

    const deadline = watchDeadline(context, s.stopMarginMs);
    let runs: TableRun[];
    try {
      const config = await configWithPassword(s, deadline.signal);
      if (config.isErr()) {
        if (!deadline.signal.aborted) return fail(config.error);
        return fail(floeError('timeout', `The invocation timed out while fetching the PostgreSQL password (the function stops ${s.stopMarginMs} ms before its deadline); nothing ran.`, 'Check that the function reaches Secrets Manager (a VPC function needs an interface endpoint or a NAT gateway), then invoke again.', { object: s.password.kind === 'secrets-manager' ? s.password.secretId : 'source' }));
      }
      runs = await executeRuns(config.value, plan.value, { s3Client: s3Client(config.value), deadline, stopMarginMs: s.stopMarginMs });
    } finally {
      deadline.dispose();
    }

    const ok = runs.filter((r) => r.status === 'ok');
    const report: LambdaRunReport = {
      status: ok.length === runs.length ? 'ok' : 'failed',
      requestId,
      trigger: invocation.value.kind,
      ...(invocation.value.kind === 'scheduled' ? { scheduledTime: invocation.value.time.toISOString() } : {}),
      runs,
      rows: ok.reduce((n, r) => n + r.report.rows, 0),
      files: ok.reduce((n, r) => n + r.report.files.length, 0),
      durationMs: Date.now() - started,
    };
    logLine(log, report.status === 'ok' ? 'INFO' : 'ERROR', 'floe run report', report);
    const failures = runs.flatMap((r) => (r.status === 'failed' ? [r.error] : []));
    const first = failures[0];
    if (first) throw new FloeLambdaError(first, failures.length > 1 ? ` (and ${failures.length - 1} more failed runs: see the run report in the logs)` : '');
    return report;
  };
}
