import type { PartBounds } from '../contracts/serializer.js';
import { floeError } from '../errors.js';

/** Throws a FloeError (kind `config`) unless both bounds are positive integers. */
export function validateBounds(bounds: PartBounds): void {
  for (const key of ['maxRows', 'maxBytes'] as const) {
    const v = bounds[key];
    if (!Number.isSafeInteger(v) || v < 1) {
      throw floeError('config', `Part bound ${key} must be a positive integer, got ${String(v)}.`, `Set ${key} to a positive whole number (or leave it out for the default).`, { object: key });
    }
  }
}
