/**
 * Reads one staged file into converted rows for COPY: decompression, the file format (CSV records
 * or Parquet columns), the transformation, exact conversion to the target columns, and the row
 * errors ON_ERROR decides on. Rows are returned, not inserted: the caller owns the transaction.
 */
import { gunzipSync } from 'node:zlib';
import type { LoaderDeps } from './copy-loader.js';
import type { CopyExpr, CopyStatement } from './copy-statement.js';
import type { TargetColumn, TargetTable } from './copy-target.js';
import { evaluate, type StagedRecord, type TransformEnv } from './copy-transform.js';
import { csvRecords } from './csv-records.js';
import { ENCODINGS, type CsvFormat, type FileFormat, type ParquetFormat } from './file-format-options.js';
import type { StagedObject } from './s3-object-store.js';
import { SnowflakeSqlError } from './snowflake-error.js';
import { castValue, CastError, type LoadValue } from './value-casts.js';

/** ON_ERROR as parsed: SKIP_FILE carries its threshold (`SKIP_FILE_3`, `SKIP_FILE_10%`). */
export type OnError = { readonly kind: 'ABORT_STATEMENT' } | { readonly kind: 'CONTINUE' } | { readonly kind: 'SKIP_FILE'; readonly limit: number; readonly percent: boolean };

export interface RowError {
  readonly message: string;
  readonly code: string;
  readonly line: number;
  readonly character: number;
  readonly column: string | null;
  readonly row: number;
}

export interface FileOutcome {
  readonly object: StagedObject;
  readonly path: string;
  readonly rows: Array<Array<string | null>>;
  readonly parsed: number;
  readonly errors: number;
  readonly firstError: RowError | undefined;
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

/** Reads and converts one file; row errors are counted, ABORT_STATEMENT stops at the first. */
export async function loadFile(
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
    const label = ENCODINGS[format.encoding] ?? 'utf-8';
    // Bytes that are not valid UTF-8 make their rows fail (as Snowflake does unless
    // REPLACE_INVALID_CHARACTERS): a silently replaced character would be data loss.
    let invalidUtf8 = false;
    if (label === 'utf-8' && !format.replaceInvalidCharacters) {
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        invalidUtf8 = true;
      }
    }
    const text = new TextDecoder(label).decode(bytes);
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
      const badField = invalidUtf8 ? record.fields.findIndex((f) => f.value?.includes('\uFFFD') === true) : -1;
      if (badField >= 0) {
        const shown = record.fields[badField]?.value ?? '';
        fail({ message: `Invalid UTF8 detected in string '${shown}'`, code: '100069', line: record.line, character: characterOf(badField), column: null, row });
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
