import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import { floeError, Secret, type FloeError } from '@floe/core';

/** The part of a SecretsManagerClient the fetcher calls (a real client, or a test double). */
export interface SecretsManagerLike {
  send(command: GetSecretValueCommand, options?: { abortSignal?: AbortSignal }): Promise<{ SecretString?: string; SecretBinary?: Uint8Array }>;
}

/** Options of {@link createSecretsManagerPassword}. */
export interface SecretsManagerPasswordOptions {
  /** ARN or name of the secret. */
  readonly secretId: string;
  /** When the secret is a JSON object (RDS-managed secrets are), the key holding the password. */
  readonly jsonKey: string;
  /** Created on first use when absent (region from AWS_REGION, which Lambda sets). */
  readonly client?: SecretsManagerLike | (() => SecretsManagerLike);
}

/**
 * A password source: the first successful fetch is kept for the container's lifetime. `signal`
 * abandons a fetch that hangs (a VPC without a route to Secrets Manager) when the invocation stops.
 */
export type PasswordFetcher = (signal?: AbortSignal) => ResultAsync<Secret, FloeError>;

// Messages name the variable, not the ARN: an ARN holds `:secret:`, which the error redactor
// takes for a credential and masks. The ARN travels in `object`, which is not redacted.
function mapError(e: unknown, secretId: string): FloeError {
  const name = (e as { name?: unknown }).name;
  const object = secretId;
  if (name === 'ResourceNotFoundException') {
    return floeError('config', 'The secret named by FLOE_SOURCE_PASSWORD_SECRET does not exist in Secrets Manager (or not in this function\'s region).', 'Set FLOE_SOURCE_PASSWORD_SECRET to the secret\'s full ARN, or to its name in the function\'s region.', { object, cause: e });
  }
  if (name === 'AccessDeniedException' || name === 'DecryptionFailure') {
    return floeError('config', `The function may not read the secret named by FLOE_SOURCE_PASSWORD_SECRET (${String(name)}).`, 'Allow secretsmanager:GetSecretValue on this secret in the function\'s role (and kms:Decrypt if it uses a customer-managed key).', { object, cause: e });
  }
  if (name === 'InvalidRequestException') {
    return floeError('config', 'The secret named by FLOE_SOURCE_PASSWORD_SECRET cannot be read now (it may be scheduled for deletion).', 'Restore the secret or point FLOE_SOURCE_PASSWORD_SECRET at another one.', { object, cause: e });
  }
  const detail = e instanceof Error ? e.message : String(e);
  return floeError('source_auth', `Fetching the PostgreSQL password from Secrets Manager failed: ${detail}.`, 'Check that the function reaches Secrets Manager (a VPC function needs a Secrets Manager endpoint or a NAT gateway); the next invocation retries.', { object, cause: e });
}

function passwordOf(value: { SecretString?: string; SecretBinary?: Uint8Array }, opts: SecretsManagerPasswordOptions): ResultAsync<Secret, FloeError> {
  const text = value.SecretString;
  if (text === undefined || text === '') {
    return errAsync(floeError('config', `The secret named by FLOE_SOURCE_PASSWORD_SECRET has no text value${value.SecretBinary ? ' (it holds binary data)' : ''}.`, 'Store the password as the secret\'s text, or as JSON {"password": "..."}.', { object: opts.secretId }));
  }
  if (!text.trimStart().startsWith('{')) return okAsync(new Secret(text));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // A password may well start with "{": then the whole text is the password.
    return okAsync(new Secret(text));
  }
  const field = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)[opts.jsonKey] : undefined;
  if (typeof field !== 'string' || field === '') {
    return errAsync(floeError('config', `The secret named by FLOE_SOURCE_PASSWORD_SECRET is JSON without a text "${opts.jsonKey}" key.`, 'Add the key, or set FLOE_SOURCE_PASSWORD_SECRET_KEY to the key that holds the password.', { object: opts.secretId }));
  }
  return okAsync(new Secret(field));
}

/**
 * Fetches the PostgreSQL password from AWS Secrets Manager once per container: the first
 * successful value is cached (a warm invocation makes no call), a failure is not (the next
 * invocation retries). A JSON secret (`{"username": ..., "password": ...}`) yields its `jsonKey`.
 * The value is wrapped in core's `Secret`, so it is redacted from every error and log.
 */
export function createSecretsManagerPassword(opts: SecretsManagerPasswordOptions): PasswordFetcher {
  let client: SecretsManagerLike | undefined;
  const getClient = () => (client ??= opts.client === undefined ? new SecretsManagerClient({}) : typeof opts.client === 'function' ? opts.client() : opts.client);
  let cached: Secret | undefined;
  let pending: ResultAsync<Secret, FloeError> | undefined;
  return (signal) => {
    if (cached) return okAsync(cached);
    pending ??= ResultAsync.fromPromise(getClient().send(new GetSecretValueCommand({ SecretId: opts.secretId }), signal ? { abortSignal: signal } : {}), (e) => mapError(e, opts.secretId))
      .andThen((value) => passwordOf(value, opts))
      .map((secret) => (cached = secret))
      .mapErr((e) => {
        pending = undefined;
        return e;
      });
    return pending;
  };
}
