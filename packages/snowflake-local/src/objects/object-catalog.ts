/**
 * The in-memory catalog of the objects this layer owns. Integrations are account-level (keyed by
 * their identifier); file formats, stages and pipes are keyed by `DB.SCHEMA.NAME` as
 * `EngineContext.qualify` gives it.
 */
import type { FileLoadResult } from './copy-loader.js';
import type { CopyStatement } from './copy-statement.js';
import type { FileFormat } from './file-format-options.js';
import type { OptionMap } from './sql-tokens.js';

export interface Ownership {
  readonly owner: string;
  readonly createdOn: Date;
  readonly comment: string;
}

export interface StorageIntegration extends Ownership {
  readonly name: string;
  enabled: boolean;
  roleArn: string;
  allowedLocations: string[];
  blockedLocations: string[];
  readonly externalId: string;
  readonly iamUserArn: string;
}

export interface NamedFileFormat extends Ownership {
  readonly qualified: string;
  readonly format: FileFormat;
}

export interface Stage extends Ownership {
  readonly qualified: string;
  /** `s3://bucket/prefix/` as written (external stages only). */
  readonly url: string;
  readonly bucket: string;
  /** Key prefix of the stage's location, `''` or ending in `/`. */
  readonly prefix: string;
  readonly integration: string | undefined;
  readonly format: FileFormat;
  /** FORMAT_NAME when the stage names a file format (DESC STAGE shows it). */
  readonly formatName: string | undefined;
  readonly copyOptions: OptionMap;
}

/** The session a pipe was created in: it loads as that owner, in that database and schema. */
export interface PipeOwnerSession {
  readonly user: string;
  readonly role: string;
  readonly database: string;
  readonly schema: string;
  readonly warehouse: string;
}

export interface Pipe extends Ownership {
  readonly qualified: string;
  /** The COPY statement as written after `AS`. */
  readonly definition: string;
  readonly copy: CopyStatement;
  /** The stage the COPY reads, resolved in the pipe's schema when the pipe was created. */
  readonly stageQualified: string;
  readonly autoIngest: boolean;
  readonly integration: string | undefined;
  readonly ownerSession: PipeOwnerSession;
  paused: boolean;
  /** Pipe load metadata: path (relative to the stage) → when it was loaded. Kept 14 days. */
  readonly history: Map<string, Date>;
  /** Paths queued and not yet loaded. */
  readonly pending: Set<string>;
  lastIngestedTimestamp: Date | undefined;
  lastIngestedFilePath: string | undefined;
  lastReceivedMessageTimestamp: Date | undefined;
  lastForwardedMessageTimestamp: Date | undefined;
  lastError: string | undefined;
}

/** Bulk COPY load metadata for one table: path → ETag and load time. Kept 64 days. */
export type TableLoadHistory = Map<string, { readonly etag: string; readonly loadedAt: Date }>;

/** One file load, bulk or by a pipe, as COPY_HISTORY reports it. */
export interface CopyHistoryEntry extends FileLoadResult {
  /** The target table's qualified name. */
  readonly table: string;
  readonly stageUrl: string;
  readonly loadedAt: Date;
  /** The pipe's qualified name when a pipe loaded the file. */
  readonly pipe: string | undefined;
}

export class ObjectCatalog {
  readonly integrations = new Map<string, StorageIntegration>();
  readonly fileFormats = new Map<string, NamedFileFormat>();
  readonly stages = new Map<string, Stage>();
  readonly pipes = new Map<string, Pipe>();
  /** Keyed by the target table's identity (qualified name + DuckDB table oid). */
  readonly tableHistory = new Map<string, TableLoadHistory>();
  /** Every file load, oldest first (COPY_HISTORY reads it). */
  readonly copyHistory: CopyHistoryEntry[] = [];
  /** Bucket → the NotificationConfiguration JSON last put on it. */
  readonly bucketNotifications = new Map<string, unknown>();

  historyFor(table: string): TableLoadHistory {
    let h = this.tableHistory.get(table);
    if (h === undefined) {
      h = new Map();
      this.tableHistory.set(table, h);
    }
    return h;
  }
}
