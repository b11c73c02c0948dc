import type { ResultAsync } from 'neverthrow';
import type { FloeError } from '../errors.js';
import type { Manifest, ManifestFile, RunId } from './run.js';
import type { SerializedPart } from './serializer.js';

/** Where one run's files go: `<prefix>/<table>/dt=<partitionDate>/run=<runId>/`. */
export interface RunLocation {
  readonly table: string;
  readonly partitionDate: string;
  readonly runId: RunId;
}

/**
 * Writes a run's files. Parts are first written outside the published path and only published
 * (moved under the run's prefix, which Snowpipe watches) once every part succeeded; the manifest is
 * written last. So a failed or killed run never delivers half its rows to Snowflake.
 */
export interface Uploader {
  /** A human-readable root, e.g. `s3://bucket/prefix` or a folder path. */
  readonly root: string;
  /** Uploads one part into the run's staging area. */
  putPart(run: RunLocation, part: SerializedPart): ResultAsync<ManifestFile, FloeError>;
  /** Publishes the staged parts under the run prefix, then writes `_manifest.json` last. */
  publish(run: RunLocation, manifest: Manifest): ResultAsync<Manifest, FloeError>;
  /** Removes what a failed run staged (never touches published runs). */
  discard(run: RunLocation): ResultAsync<void, FloeError>;
  /** Manifests of published runs for a table, optionally of one partition date, oldest first. */
  listManifests(table: string, partitionDate?: string): ResultAsync<Manifest[], FloeError>;
}
