/**
 * Executes a parsed COPY INTO for bulk COPY and for pipes: lists the stage, skips files the load
 * metadata already holds, reads each file (copy-file-rows), follows ON_ERROR, inserts in one
 * transaction, records load metadata and COPY_HISTORY, and reports one result row per file.
 */
import type { EngineContext } from '../engine/extension.js';
import { loadFile, type FileOutcome, type OnError, type RowError } from './copy-file-rows.js';
import type { CopyStatement } from './copy-statement.js';
import { describeTarget, insertRows, type TargetColumn, type TargetTable } from './copy-target.js';
import type { TransformEnv } from './copy-transform.js';
import { resolveFormat, type FileFormat } from './file-format-options.js';
import type { ObjectCatalog, Pipe, Stage } from './object-catalog.js';
import type { ParquetReader } from './parquet-records.js';
import type { ObjectStore } from './s3-object-store.js';
import { compilationError, notEmulated, objectMissing, SnowflakeSqlError } from './snowflake-error.js';
import { optionText, type OptionValue } from './sql-tokens.js';

export interface LoaderDeps {
  readonly catalog: ObjectCatalog;
  readonly store: ObjectStore;
  readonly parquet: ParquetReader;
}

export type CopyMode =
  | { readonly kind: 'bulk' }
  /** A pipe loading the given paths (relative to the stage URL). */
  | { readonly kind: 'pipe'; readonly pipe: Pipe; readonly paths: readonly string[] };

export type FileStatus = 'LOADED' | 'LOAD_FAILED' | 'PARTIALLY_LOADED';

export interface FileLoadResult {
  /** The file as COPY reports it: `s3://bucket/key`. */
  readonly file: string;
  /** Path relative to the stage URL (what METADATA$FILENAME and the load history use). */
  readonly path: string;
  readonly status: FileStatus;
  readonly rowsParsed: number;
  readonly rowsLoaded: number;
  readonly errorLimit: number;
  readonly errorsSeen: number;
  readonly firstError: string | null;
  readonly firstErrorLine: number | null;
  readonly firstErrorCharacter: number | null;
  readonly firstErrorColumnName: string | null;
  /** The file's ETag when it was read (bulk load metadata keys on path + ETag). */
  readonly etag: string;
  readonly size: number;
}

const DAY_MS = 86_400_000;
export const BULK_HISTORY_DAYS = 64;
export const PIPE_HISTORY_DAYS = 14;
export const COPY_HISTORY_DAYS = 14;


/** Options a pipe's COPY may not use (Snowflake rejects the CREATE PIPE). */
export const PIPE_FORBIDDEN_OPTIONS = ['FILES', 'SIZE_LIMIT', 'PURGE', 'RETURN_FAILED_ONLY', 'VALIDATION_MODE'] as const;

/** Resolves the stage a COPY reads and checks it can be read. */
export function resolveStage(ctx: EngineContext, catalog: ObjectCatalog, written: string): Stage {
  const qualified = ctx.qualify(written);
  const stage = catalog.stages.get(qualified);
  if (stage === undefined) throw objectMissing('Stage', qualified);
  return stage;
}

/**
 * The format a COPY applies: COPY's FILE_FORMAT when given (a named format, or inline options over
 * Snowflake's defaults: they replace the stage's format, they are not merged with it), else the stage's.
 */
export function resolveCopyFormat(ctx: EngineContext, catalog: ObjectCatalog, stage: Stage, stmt: CopyStatement): FileFormat {
  const spec = stmt.sourceOptions.get('FILE_FORMAT') ?? stmt.options.get('FILE_FORMAT');
  // A stage naming a file format sees that format as it is now (it may have been replaced).
  const stageFormat = stage.formatName === undefined ? stage.format : (catalog.fileFormats.get(stage.formatName)?.format ?? stage.format);
  return formatFromSpec(ctx, catalog, spec, stageFormat);
}

/** Resolves a FILE_FORMAT option value; `base` applies only when no FILE_FORMAT was written. */
export function formatFromSpec(ctx: EngineContext, catalog: ObjectCatalog, spec: OptionValue | undefined, base: FileFormat | undefined): FileFormat {
  if (spec === undefined) return base ?? resolveFormat(new Map());
  if (spec.kind === 'string' || spec.kind === 'word') return namedFormat(ctx, catalog, spec.value);
  if (spec.kind !== 'options') throw compilationError('FILE_FORMAT must be (FORMAT_NAME = ...) or (TYPE = ... options).');
  const name = optionText(spec.options.get('FORMAT_NAME'));
  if (name !== undefined) return namedFormat(ctx, catalog, name);
  return resolveFormat(spec.options);
}

function namedFormat(ctx: EngineContext, catalog: ObjectCatalog, name: string): FileFormat {
  const qualified = ctx.qualify(name);
  const f = catalog.fileFormats.get(qualified);
  if (f === undefined) throw objectMissing('File format', qualified);
  return f.format;
}

function parseOnError(v: OptionValue | undefined, mode: CopyMode): OnError {
  const text = optionText(v)?.toUpperCase();
  if (text === undefined) return mode.kind === 'pipe' ? { kind: 'SKIP_FILE', limit: 1, percent: false } : { kind: 'ABORT_STATEMENT' };
  if (text === 'ABORT_STATEMENT') return { kind: 'ABORT_STATEMENT' };
  if (text === 'CONTINUE') return { kind: 'CONTINUE' };
  if (text === 'SKIP_FILE') return { kind: 'SKIP_FILE', limit: 1, percent: false };
  const m = /^SKIP_FILE_(\d+)(%?)$/.exec(text);
  if (m !== null) return { kind: 'SKIP_FILE', limit: Number(m[1]), percent: m[2] === '%' };
  throw compilationError(`invalid value [${text}] for parameter 'ON_ERROR'`, '001008', '22023');
}

function bool(v: OptionValue | undefined): boolean {
  return (optionText(v) ?? 'FALSE').toUpperCase() === 'TRUE';
}

/** Options from the COPY, falling back to the stage's COPY_OPTIONS. */
function copyOption(stmt: CopyStatement, stage: Stage, key: string): OptionValue | undefined {
  return stmt.sourceOptions.get(key) ?? stmt.options.get(key) ?? stage.copyOptions.get(key);
}

/** Snowflake's PATTERN is a full-match regular expression. */
export function patternMatcher(pattern: string | undefined): (path: string) => boolean {
  if (pattern === undefined) return () => true;
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${pattern})$`, 's');
  } catch {
    throw compilationError(`Invalid regular expression '${pattern}' for PATTERN.`, '100048', '2201B');
  }
  return (path) => re.test(path);
}

/** The key prefix a COPY lists: the stage's location plus the COPY's path. */
export function copyPrefix(stage: Stage, stmt: CopyStatement): string {
  return stage.prefix + stmt.path;
}

/** Runs the COPY; inserts the loaded rows and updates the load metadata. */
export async function runCopy(ctx: EngineContext, deps: LoaderDeps, stmt: CopyStatement, mode: CopyMode): Promise<FileLoadResult[]> {
  const { catalog, store } = deps;
  const stage = resolveStage(ctx, catalog, stmt.stage);
  const format = resolveCopyFormat(ctx, catalog, stage, stmt);
  const onError = parseOnError(copyOption(stmt, stage, 'ON_ERROR'), mode);
  const force = bool(copyOption(stmt, stage, 'FORCE'));
  const matchByName = optionText(copyOption(stmt, stage, 'MATCH_BY_COLUMN_NAME'))?.toUpperCase() ?? 'NONE';
  for (const unsupported of ['PURGE', 'VALIDATION_MODE']) {
    if (stmt.options.has(unsupported) && !(unsupported === 'PURGE' && !bool(stmt.options.get('PURGE')))) throw notEmulated(`COPY option ${unsupported}`);
  }
  const matches = patternMatcher(optionText(stmt.sourceOptions.get('PATTERN') ?? stmt.options.get('PATTERN')));
  const filesOption = stmt.options.get('FILES');
  const files = filesOption?.kind === 'list' ? new Set(filesOption.items.map((i) => stmt.path + (optionText(i) ?? ''))) : undefined;

  const table = await describeTarget(ctx, stmt.target);
  const targetColumns = pickColumns(table, stmt.columns);
  if (stmt.transform !== undefined && stmt.transform.length !== targetColumns.length) {
    throw compilationError(`Insert value list does not match column list expecting ${targetColumns.length} but got ${stmt.transform.length}`, '002020', '21S01');
  }
  if (format.type === 'PARQUET' && stmt.transform === undefined && matchByName === 'NONE') {
    const only = targetColumns.length === 1 ? targetColumns[0] : undefined;
    if (only === undefined || !['VARIANT', 'OBJECT', 'ARRAY'].includes(only.type.base)) {
      throw compilationError(
        'PARQUET file format can produce one and only one column of type variant, object, or array. Load data into separate columns using the MATCH_BY_COLUMN_NAME copy option or copy with transformation.',
        '002019',
        '0A000',
      );
    }
  }
  if (format.type === 'CSV' && matchByName !== 'NONE' && !format.parseHeader) {
    throw compilationError('MATCH_BY_COLUMN_NAME with CSV requires the file format option PARSE_HEADER = TRUE.', '002019', '0A000');
  }

  const now = ctx.clock.now();
  // A pipe loading one notified file lists just that key, not its whole path again per file.
  const single = mode.kind === 'pipe' && mode.paths.length === 1 ? mode.paths[0] : undefined;
  const listed = await store.list(stage.bucket, single === undefined ? copyPrefix(stage, stmt) : stage.prefix + single);
  // Load metadata lives with the table: a table created again (OR REPLACE) starts without it.
  const history = catalog.historyFor(table.identity);
  const wanted = mode.kind === 'pipe' ? new Set(mode.paths) : undefined;
  const candidates = listed.filter((o) => {
    if (o.key.endsWith('/')) return false;
    const path = o.key.slice(stage.prefix.length);
    if (!matches(path)) return false;
    if (files !== undefined && !files.has(path)) return false;
    if (wanted !== undefined) return wanted.has(path);
    if (force) return true;
    const seen = history.get(path);
    // Bulk load metadata matches on path AND content (ETag): an overwritten file loads again.
    return seen === undefined || seen.etag !== o.etag || now.getTime() - seen.loadedAt.getTime() > BULK_HISTORY_DAYS * DAY_MS;
  });

  const env: TransformEnv = { now, binaryFormat: format.type === 'CSV' ? format.binaryFormat : 'HEX' };
  // One COPY is one statement: all its files commit together or not at all. Each file is inserted
  // as soon as it is read, so memory holds one file's rows, never the whole load.
  const ownTransaction = !ctx.session.inTransaction;
  if (ownTransaction) await ctx.sql('BEGIN');
  const results: FileLoadResult[] = [];
  try {
    for (const object of candidates) {
      const path = object.key.slice(stage.prefix.length);
      let outcome: FileOutcome;
      try {
        outcome = await loadFile(deps, object, path, format, stmt, table, targetColumns, matchByName, onError, env);
      } catch (e) {
        // A file that cannot be read at all (bad gzip, not Parquet) fails alone unless ON_ERROR aborts.
        if (!(e instanceof SnowflakeSqlError) || onError.kind === 'ABORT_STATEMENT') throw e;
        outcome = { object, path, rows: [], parsed: 0, errors: 1, firstError: { message: e.message, code: e.code, line: 0, character: 0, column: null, row: 0 } };
      }
      if (onError.kind === 'ABORT_STATEMENT' && outcome.firstError !== undefined) throw abortError(outcome.firstError, path);
      results.push(await insertOutcome(ctx, table, targetColumns, outcome, onError));
    }
    if (ownTransaction) await ctx.sql('COMMIT');
  } catch (e) {
    if (ownTransaction) await ctx.sql('ROLLBACK').catch(() => undefined);
    throw e;
  }
  // Pipes keep their own load metadata (the caller records it); bulk COPY records it on the table.
  if (mode.kind === 'bulk') {
    for (const r of results) if (r.status !== 'LOAD_FAILED') history.set(r.path, { etag: r.etag, loadedAt: now });
  }
  for (const r of results) {
    catalog.copyHistory.push({ ...r, table: table.qualified, stageUrl: stage.url, loadedAt: now, pipe: mode.kind === 'pipe' ? mode.pipe.qualified : undefined });
  }
  // COPY_HISTORY covers the last 14 days.
  while (catalog.copyHistory.length > 0 && now.getTime() - (catalog.copyHistory[0]?.loadedAt.getTime() ?? 0) > COPY_HISTORY_DAYS * DAY_MS) catalog.copyHistory.shift();
  return results;
}

/** Inserts one file's rows as ON_ERROR allows, and reports the file as COPY does. */
async function insertOutcome(ctx: EngineContext, table: TargetTable, targetColumns: readonly TargetColumn[], o: FileOutcome, onError: OnError): Promise<FileLoadResult> {
  const skip = onError.kind === 'SKIP_FILE' && o.errors > 0 && o.errors >= (onError.percent ? Math.max(1, (onError.limit / 100) * o.parsed) : onError.limit);
  const loadedRows = skip ? [] : o.rows;
  await insertRows(ctx, table, targetColumns, loadedRows);
  const status: FileStatus = skip || (o.errors > 0 && loadedRows.length === 0) ? 'LOAD_FAILED' : o.errors > 0 ? 'PARTIALLY_LOADED' : 'LOADED';
  const errorLimit = onError.kind === 'SKIP_FILE' ? (onError.percent ? Math.max(1, Math.ceil((onError.limit / 100) * o.parsed)) : onError.limit) : onError.kind === 'CONTINUE' ? o.parsed : 1;
  return {
    file: `s3://${o.object.bucket}/${o.object.key}`,
    path: o.path,
    status,
    rowsParsed: o.parsed,
    rowsLoaded: loadedRows.length,
    errorLimit,
    errorsSeen: o.errors,
    firstError: o.firstError?.message ?? null,
    firstErrorLine: o.firstError?.line ?? null,
    firstErrorCharacter: o.firstError?.character ?? null,
    firstErrorColumnName: o.firstError?.column ?? null,
    etag: o.object.etag,
    size: o.object.size,
  };
}

function pickColumns(table: TargetTable, names: readonly string[] | undefined): TargetColumn[] {
  if (names === undefined) return [...table.columns];
  return names.map((n) => {
    const c = table.columns.find((col) => col.name === n);
    if (c === undefined) throw compilationError(`error line 0 at position 0\ninvalid identifier '${n}'`, '000904', '42000');
    return c;
  });
}

function abortError(e: RowError, path: string): SnowflakeSqlError {
  const where = `  File '${path}', line ${e.line}, character ${e.character}\n  Row ${e.row}${e.column === null ? '' : `, column ${e.column}`}`;
  const advice =
    "  If you would like to continue loading when an error is encountered, use other values such as 'SKIP_FILE' or 'CONTINUE' for the ON_ERROR option. For more information on loading options, please run 'info loading_data' in a SQL client.";
  return new SnowflakeSqlError(`${e.message}\n${where}\n${advice}`, e.code, e.code === '100080' ? '22000' : '22018');
}

/** Files a pipe would load under its COPY path (used by REFRESH and event routing). */
export function pipeCovers(stage: Stage, stmt: CopyStatement, bucket: string, key: string): string | undefined {
  if (bucket !== stage.bucket || !key.startsWith(copyPrefix(stage, stmt)) || key.endsWith('/')) return undefined;
  const path = key.slice(stage.prefix.length);
  const pattern = optionText(stmt.sourceOptions.get('PATTERN') ?? stmt.options.get('PATTERN'));
  return patternMatcher(pattern)(path) ? path : undefined;
}

