import { err, ok, type Result } from 'neverthrow';
import type { Manifest } from '../contracts/run.js';
import { floeError, type FloeError } from '../errors.js';

/** Parses a `_manifest.json` text, checking the fields readers rely on. */
export function parseManifest(text: string, where: string): Result<Manifest, FloeError> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return err(floeError('upload', `Manifest ${where} is not valid JSON.`, 'Delete or repair the manifest; it was not written by floe or was truncated.', { object: where, cause: e }));
  }
  const m = value as Partial<Manifest> | null;
  if (m === null || typeof m !== 'object' || m.version !== 1 || typeof m.runId !== 'string' || typeof m.table !== 'string' || !Array.isArray(m.files)) {
    return err(floeError('upload', `Manifest ${where} does not have floe's manifest shape (version 1, runId, table, files).`, 'Delete or repair the manifest; it was not written by this floe version.', { object: where }));
  }
  return ok(m as Manifest);
}
