import { floeError, isFloeError, type FloeError } from '../errors.js';

/** What was being done when S3 failed, for the error message. */
export interface S3ErrorContext {
  readonly operation: string;
  readonly bucket: string;
  readonly key?: string;
}

const AUTH_CODES = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied', 'InvalidToken', 'ExpiredToken', 'TokenRefreshRequired', 'CredentialsProviderError', 'AllAccessDisabled', 'InvalidClientTokenId']);
const THROTTLE_CODES = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException', 'ServiceUnavailable', 'RequestThrottled']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'ETIMEDOUT']);

interface SdkLikeError {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  cause?: unknown;
  errors?: unknown[];
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

function networkCode(e: unknown, depth = 0): string | undefined {
  if (typeof e !== 'object' || e === null || depth > 4) return undefined;
  const x = e as SdkLikeError;
  if (typeof x.code === 'string' && NETWORK_CODES.has(x.code)) return x.code;
  for (const inner of x.errors ?? []) {
    const c = networkCode(inner, depth + 1);
    if (c) return c;
  }
  return networkCode(x.cause, depth + 1);
}

/**
 * Wraps an AWS SDK error into a FloeError once, at the S3 edge. The SDK has already retried
 * throttling and 5xx by the time an error lands here. Only the error code and status are used in
 * the message (never the request, which carries the signature).
 */
export function mapS3Error(e: unknown, ctx: S3ErrorContext): FloeError {
  if (isFloeError(e)) return e;
  const x = (typeof e === 'object' && e !== null ? e : {}) as SdkLikeError;
  const code = x.name ?? x.Code ?? x.code ?? 'Error';
  const status = x.$metadata?.httpStatusCode;
  const object = ctx.key !== undefined ? `s3://${ctx.bucket}/${ctx.key}` : `s3://${ctx.bucket}`;
  const what = `S3 ${ctx.operation} on ${object}`;
  const net = networkCode(e);
  if (net !== undefined) {
    return floeError('storage_unreachable', `${what} failed: the storage endpoint is unreachable (${net}).`, 'Check storage.endpoint / storage.region and the network path to S3 (proxy, VPC endpoint, DNS).', { object, cause: e });
  }
  if (code === 'NoSuchBucket') {
    return floeError('bucket_missing', `${what} failed: bucket '${ctx.bucket}' does not exist.`, `Create the bucket '${ctx.bucket}' in the configured region, or fix storage.bucket.`, { object: `s3://${ctx.bucket}`, cause: e });
  }
  if (AUTH_CODES.has(code) || status === 403) {
    return floeError('storage_auth', `${what} was refused (${code}${status ? `, HTTP ${status}` : ''}).`, 'Check the AWS credentials (access key id and secret, or the role) and that they allow s3:PutObject, s3:GetObject, s3:ListBucket and s3:DeleteObject on this bucket and prefix.', { object, cause: e });
  }
  if (THROTTLE_CODES.has(code) || status === 503 || status === 429) {
    const attempts = x.$metadata?.attempts;
    return floeError('storage_throttled', `${what} was throttled by S3 (${code})${attempts ? ` after ${attempts} attempts` : ''}.`, 'Re-run later, lower the upload queueSize, or raise the client maxAttempts / use retryMode adaptive.', { object, cause: e });
  }
  const detail = typeof x.message === 'string' && x.message.length > 0 ? `: ${x.message}` : '';
  return floeError('upload', `${what} failed (${code}${status ? `, HTTP ${status}` : ''})${detail}`, 'Check the error cause; the run was not published and can be re-run.', { object, cause: e });
}

/** True for the SDK's "no such key" (GetObject/HeadObject of a missing object). */
export function isNotFound(e: unknown): boolean {
  const x = (typeof e === 'object' && e !== null ? e : {}) as SdkLikeError;
  return x.name === 'NoSuchKey' || x.name === 'NotFound' || (x.$metadata?.httpStatusCode === 404 && x.name !== 'NoSuchBucket');
}
