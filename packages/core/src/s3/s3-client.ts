import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { registerSecret } from '../errors.js';

/** Options of {@link createS3Client}. */
export interface S3ClientOptions {
  readonly region: string;
  /** An S3-compatible endpoint (MinIO, s3rver, a VPC endpoint URL); AWS's own when absent. */
  readonly endpoint?: string;
  /** Path-style URLs (`endpoint/bucket/key`); most S3-compatible servers need it. */
  readonly forcePathStyle?: boolean;
  /** Static credentials; the SDK's default chain (env, profile, instance role) when absent. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  /** Attempts per request, retries of throttling and 5xx included (default 5). */
  readonly maxAttempts?: number;
  /** `adaptive` also rate-limits the client after throttling; `standard` only backs off (default). */
  readonly retryMode?: 'standard' | 'adaptive';
  /** A custom HTTP handler (proxies, agent settings, test doubles). */
  readonly requestHandler?: S3ClientConfig['requestHandler'];
}

/**
 * An S3Client set up for floe: retries with backoff for throttling (`SlowDown`, 503), and, for a
 * custom endpoint, checksums only where an operation requires them, because S3-compatible servers
 * store the `aws-chunked` framing of a streamed body inside the object otherwise.
 */
export function createS3Client(options: S3ClientOptions): S3Client {
  registerSecret(options.credentials?.secretAccessKey);
  registerSecret(options.credentials?.sessionToken);
  return new S3Client({
    region: options.region,
    maxAttempts: options.maxAttempts ?? 5,
    retryMode: options.retryMode ?? 'standard',
    ...(options.endpoint !== undefined
      ? { endpoint: options.endpoint, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
      : {}),
    ...(options.forcePathStyle !== undefined ? { forcePathStyle: options.forcePathStyle } : {}),
    ...(options.credentials !== undefined ? { credentials: { ...options.credentials } } : {}),
    ...(options.requestHandler !== undefined ? { requestHandler: options.requestHandler } : {}),
  });
}
