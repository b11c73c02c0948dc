import { floeError, isFloeError, type FloeError, type FloeErrorKind } from '../errors.js';

/** Keeps a FloeError raised deeper in a stream as it is; wraps anything else once. */
export function asFloeError(e: unknown, kind: FloeErrorKind, message: string, hint: string, object?: string): FloeError {
  if (isFloeError(e)) return e;
  const detail = e instanceof Error ? e.message : String(e);
  return floeError(kind, `${message}: ${detail}`, hint, { ...(object !== undefined ? { object } : {}), cause: e });
}
