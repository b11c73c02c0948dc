/**
 * Executes a parsed COPY INTO for bulk COPY and for pipes: lists the stage, skips files the load
 * metadata already holds, reads each file (gzip detected), applies the file format and the
 * transformation, converts every value to its column's type exactly, follows ON_ERROR, inserts,
 * and reports one result row per file as Snowflake does.
 */
import { gunzipSync } from 'node:zlib';
import type { EngineContext } from '../engine/extension.js';
import type { ObjectCatalog, Pipe, Stage } from './object-catalog.js';
import type { CopyExpr, CopyStatement } from './copy-statement.js';
import { describeTarget, insertRows, type TargetColumn, type TargetTable } from './copy-target.js';
import { evaluate, type StagedRecord, type TransformEnv } from './copy-transform.js';
import { csvRecords } from './csv-records.js';
import { ENCODINGS, resolveFormat, type CsvFormat, type FileFormat, type ParquetFormat } from './file-format-options.js';
import type { ParquetReader } from './parquet-records.js';
import type { ObjectStore, StagedObject } from './s3-object-store.js';
import { compilationError, notEmulated, objectMissing, SnowflakeSqlError } from './snowflake-error.js';
import { optionText, type OptionValue } from './sql-tokens.js';
import { castValue, CastError, type LoadValue } from './value-casts.js';

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
}

const DAY_MS = 86_400_000;
export const BULK_HISTORY_DAYS = 64;
export const PIPE_HISTORY_DAYS = 14;

type OnError = { readonly kind: 'ABORT_STATEMENT' } | { readonly kind: 'CONTINUE' } | { readonly kind: 'SKIP_FILE'; readonly limit: number; readonly percent: boolean };

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

interface RowError {
  readonly message: string;
  readonly code: string;
  readonly line: number;
  readonly character: number;
  readonly column: string | null;
  readonly row: number;
}

interface FileOutcome {
  readonly object: StagedObject;
  readonly path: string;
  readonly rows: Array<Array<string | null>>;
  readonly parsed: number;
  readonly errors: number;
  readonly firstError: RowError | undefined;
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
  const history = catalog.historyFor(table.qualified);
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

function decompress(bytes: Uint8Array, compression: CsvFormat['compression'], path: string): Uint8Array {
  const gz = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  if (compression === 'NONE' || (compression === 'AUTO' && !gz)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw new SnowflakeSqlError(`Invalid data encountered during decompression for file: '${path}',compression type used: 'GZIP', cause: '${e instanceof Error ? e.message : String(e)}'`, '100078', '22000');
  }
}

async function loadFile(
  deps: LoaderDeps,
  object: StagedObject,
  path: string,
  format: FileFormat,
  stmt: CopyStatement,
  table: TargetTable,
  targetColumns: readonly TargetColumn[],
  matchByName: string,
  onError: OnError,
  env: TransformEnv,
): Promise<FileOutcome> {
  const raw = await deps.store.get(object.bucket, object.key);
  const bytes = decompress(raw, format.compression, path);
  const meta = (name: string): LoadValue => {
    switch (name) {
      case 'METADATA$FILENAME':
        return { t: 'text', v: path };
      case 'METADATA$FILE_CONTENT_KEY':
        return { t: 'text', v: object.etag };
      case 'METADATA$FILE_LAST_MODIFIED':
        return { t: 'text', v: `${object.lastModified.toISOString().replace('T', ' ').slice(0, 23)} +00:00` };
      case 'METADATA$START_SCAN_TIME':
        return { t: 'text', v: `${env.now.toISOString().replace('T', ' ').slice(0, 23)} +00:00` };
      default:
        return null;
    }
  };
  const rows: Array<Array<string | null>> = [];
  let parsed = 0;
  let errors = 0;
  let firstError: RowError | undefined;
  const columnLabel = (k: number): string => {
    const col = targetColumns[k] as TargetColumn;
    const position = table.columns.indexOf(col) + 1;
    return `"${tableName(table.qualified)}"["${col.name}":${position}]`;
  };
  const fail = (e: RowError): void => {
    errors += 1;
    firstError ??= e;
  };
  const convert = (values: readonly LoadValue[], line: number, row: number, characterOf: (k: number) => number): Array<string | null> | undefined => {
    const out: Array<string | null> = [];
    for (let k = 0; k < targetColumns.length; k += 1) {
      const col = targetColumns[k] as TargetColumn;
      try {
        const v = castValue(values[k] ?? null, col.type, env.binaryFormat);
        // A NULL into a NOT NULL column is a row error (ON_ERROR applies), not a failed statement.
        if (v === null && !col.nullable) throw new CastError('NULL result in a non-nullable column', '100072');
        out.push(v);
      } catch (e) {
        if (!(e instanceof CastError)) throw e;
        fail({ message: e.message, code: e.code, line, character: characterOf(k), column: columnLabel(k), row });
        return undefined;
      }
    }
    return out;
  };
  const evaluateAll = (record: StagedRecord, line: number, row: number, characterOf: (k: number) => number): Array<string | null> | undefined => {
    const transform = stmt.transform as readonly CopyExpr[];
    const values: LoadValue[] = [];
    for (let k = 0; k < transform.length; k += 1) {
      try {
        values.push(evaluate(transform[k] as CopyExpr, record, env));
      } catch (e) {
        if (!(e instanceof CastError)) throw e;
        fail({ message: e.message, code: e.code, line, character: characterOf(k), column: columnLabel(k), row });
        return undefined;
      }
    }
    return convert(values, line, row, characterOf);
  };
  const stop = (): boolean => onError.kind === 'ABORT_STATEMENT' && firstError !== undefined;

  if (format.type === 'CSV') {
    const decoder = new TextDecoder(ENCODINGS[format.encoding] ?? 'utf-8', { ignoreBOM: false });
    const text = decoder.decode(bytes);
    let header: string[] | undefined;
    let skipped = 0;
    let row = 0;
    for (const record of csvRecords(text, format)) {
      if (skipped < format.skipHeader) {
        skipped += 1;
        continue;
      }
      if (format.parseHeader && header === undefined) {
        header = record.fields.map((f) => f.value ?? '');
        continue;
      }
      row += 1;
      parsed += 1;
      const characterOf = (k: number): number => record.fields[k]?.character ?? 1;
      if (record.error !== undefined) {
        fail({ message: record.error, code: '100065', line: record.line, character: characterOf(record.fields.length - 1), column: null, row });
        if (stop()) break;
        continue;
      }
      const fieldValue = (n: number): LoadValue => {
        const f = record.fields[n - 1];
        return f === undefined || f.value === null ? null : { t: 'text', v: f.value };
      };
      let out: Array<string | null> | undefined;
      if (stmt.transform !== undefined) {
        const staged: StagedRecord = {
          field: fieldValue,
          meta: (name) => (name === 'METADATA$FILE_ROW_NUMBER' ? { t: 'text', v: String(row) } : meta(name)),
        };
        const fieldOfExpr = (k: number): number => {
          const e = stmt.transform?.[k];
          const base = e?.k === 'cast' ? e.e : e;
          return base?.k === 'field' ? characterOf(base.n - 1) : 1;
        };
        out = evaluateAll(staged, record.line, row, fieldOfExpr);
      } else if (matchByName !== 'NONE') {
        const names = header ?? [];
        const values = targetColumns.map((col) => {
          const idx = names.findIndex((h) => (matchByName === 'CASE_SENSITIVE' ? h === col.name : h.toUpperCase() === col.name.toUpperCase()));
          return idx < 0 ? null : fieldValue(idx + 1);
        });
        out = convert(values, record.line, row, (k) => characterOf(names.findIndex((h) => h.toUpperCase() === targetColumns[k]?.name.toUpperCase())));
      } else {
        if (format.errorOnColumnCountMismatch && record.fields.length !== targetColumns.length) {
          fail({
            message: `Number of columns in file (${record.fields.length}) does not match that of the corresponding table (${targetColumns.length}), use file format option error_on_column_count_mismatch=false to ignore this error`,
            code: '100080',
            line: record.line,
            character: 1,
            column: null,
            row,
          });
          if (stop()) break;
          continue;
        }
        out = convert(
          targetColumns.map((_, k) => fieldValue(k + 1)),
          record.line,
          row,
          characterOf,
        );
      }
      if (out !== undefined) rows.push(out);
      else if (stop()) break;
    }
  } else {
    const pq = await deps.parquet.read(bytes, path, (format as ParquetFormat).binaryAsText);
    let row = 0;
    for (const values of pq.rows) {
      row += 1;
      parsed += 1;
      const byName = new Map<string, string>();
      pq.columns.forEach((c, k) => byName.set(c, values[k] ?? 'null'));
      const objectText = `{${pq.columns.map((c, k) => `${JSON.stringify(c)}:${values[k] ?? 'null'}`).join(',')}}`;
      const json = (t: string | undefined): LoadValue | undefined => (t === undefined ? undefined : t === 'null' ? null : { t: 'json', v: t });
      let out: Array<string | null> | undefined;
      if (stmt.transform !== undefined) {
        const staged: StagedRecord = {
          field: (n) => (n === 1 ? { t: 'json', v: objectText } : null),
          column: (name) => json(byName.get(name)),
          meta: (name) => (name === 'METADATA$FILE_ROW_NUMBER' ? { t: 'text', v: String(row) } : meta(name)),
        };
        out = evaluateAll(staged, row, row, () => 1);
      } else if (matchByName !== 'NONE') {
        const vals = targetColumns.map((col) => {
          const name = pq.columns.find((c) => (matchByName === 'CASE_SENSITIVE' ? c === col.name : c.toUpperCase() === col.name.toUpperCase()));
          return name === undefined ? null : (json(byName.get(name)) ?? null);
        });
        out = convert(vals, row, row, () => 1);
      } else {
        out = convert([{ t: 'json', v: objectText }], row, row, () => 1);
      }
      if (out !== undefined) rows.push(out);
      else if (stop()) break;
    }
  }
  return { object, path, rows, parsed, errors, firstError };
}

function tableName(qualified: string): string {
  const dot = qualified.lastIndexOf('.');
  return (dot < 0 ? qualified : qualified.slice(dot + 1)).replace(/^"|"$/g, '');
}

/** Files a pipe would load under its COPY path (used by REFRESH and event routing). */
export function pipeCovers(stage: Stage, stmt: CopyStatement, bucket: string, key: string): string | undefined {
  if (bucket !== stage.bucket || !key.startsWith(copyPrefix(stage, stmt)) || key.endsWith('/')) return undefined;
  const path = key.slice(stage.prefix.length);
  const pattern = optionText(stmt.sourceOptions.get('PATTERN') ?? stmt.options.get('PATTERN'));
  return patternMatcher(pattern)(path) ? path : undefined;
}

