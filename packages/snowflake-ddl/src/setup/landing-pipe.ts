import { defaultCompiler as c } from '../sql/sql-compiler.js';
import { kw, obj, opt, str, type CreateNode, type CreatePipeNode, type CreateTableNode } from '../sql/nodes.js';
import { isJsonType, renderType, type SnowflakeType } from '../types/snowflake-type.js';
import type { ResolvedSetup, ResolvedTable } from './setup-config.js';

/** Only part files load; the manifest and anything else under the path are ignored. */
export const PART_PATTERN = '.*part-[0-9]+[.](csv[.]gz|parquet)';

/**
 * The landing table: source columns (nullable: it records what arrived) + load metadata: the part
 * file (METADATA$FILENAME), the row in it (METADATA$FILE_ROW_NUMBER), the run id (the key's `run=`
 * segment, which sorts by time) and the load time (METADATA$START_SCAN_TIME, a TIMESTAMP_LTZ).
 * Append-only by use.
 */
export function landingTableNode(t: ResolvedTable): CreateTableNode {
  return {
    kind: 'createTable',
    name: t.landing,
    columns: [
      ...t.columns.map((col) => ({ name: col.name, type: col.type, nullable: true })),
      { name: '_FLOE_FILE', type: { name: 'VARCHAR' }, nullable: false },
      { name: '_FLOE_ROW', type: { name: 'NUMBER', precision: 19, scale: 0 }, nullable: false },
      { name: '_FLOE_RUN_ID', type: { name: 'VARCHAR' }, nullable: false },
      { name: '_FLOE_LOADED_AT', type: { name: 'TIMESTAMP_LTZ' }, nullable: false },
    ],
    options: [opt('COMMENT', str(`floe landing table for ${t.setup.source.schema}.${t.setup.source.name}: every delivered row, append-only (audit trail)`))],
  };
}

/** Parquet columns are read by name; `$1:"name"` unless the name holds a quote or backslash, then `$1[...]`. */
function parquetField(name: string): string {
  return /["\\]/.test(name) ? `$1[${c.literal(name)}]` : `$1:"${name}"`;
}

function loadExpression(format: 'csv' | 'parquet', position: number, name: string, type: SnowflakeType): string {
  if (format === 'csv') return isJsonType(type) ? `PARSE_JSON($${position})` : `$${position}`;
  const field = parquetField(name);
  return isJsonType(type) ? `PARSE_JSON(${field}::VARCHAR)` : `${field}::${renderType(type)}`;
}

/**
 * `CREATE PIPE ... AUTO_INGEST = TRUE AS COPY INTO landing (cols) FROM (SELECT ...)`. The pipe's
 * COPY carries none of the options a pipe forbids (FILES, ON_ERROR = ABORT_STATEMENT, SIZE_LIMIT,
 * PURGE, FORCE, RETURN_FAILED_ONLY, VALIDATION_MODE: docs.snowflake.com/en/sql-reference/sql/create-pipe,
 * "Usage notes"); ON_ERROR stays at Snowpipe's default SKIP_FILE, so a bad file loads no row at all
 * and shows in COPY_HISTORY. Because the COPY has a query as its source, Snowflake ignores the file
 * format's ERROR_ON_COLUMN_COUNT_MISMATCH here (CREATE FILE FORMAT, and "Transforming data during a
 * load"): a file whose rows have more or fewer fields than expected is not rejected for that. The
 * column count is therefore the writer's contract, not something this pipe can enforce.
 */
export function pipeNode(r: ResolvedSetup, t: ResolvedTable): CreatePipeNode {
  const format = r.config.format;
  return {
    kind: 'createPipe',
    name: t.pipe,
    options: [opt('AUTO_INGEST', kw('TRUE')), opt('COMMENT', str(`floe: loads ${t.path} parts from the stage into ${t.landing.name}`))],
    copy: {
      target: t.landing,
      columns: [...t.columns.map((col) => col.name), '_FLOE_FILE', '_FLOE_ROW', '_FLOE_RUN_ID', '_FLOE_LOADED_AT'],
      select: [
        ...t.columns.map((col, i) => loadExpression(format, i + 1, col.name, col.type)),
        'METADATA$FILENAME',
        'METADATA$FILE_ROW_NUMBER',
        // 'e' makes REGEXP_SUBSTR return the first capture group when no group number is given
        // (REGEXP_SUBSTR, regex_parameters); REGEXP_SUBSTR and PARSE_JSON are among the functions a
        // COPY transformation supports ("Transforming data during a load").
        `REGEXP_SUBSTR(METADATA$FILENAME, ${c.literal('run=([^/]+)/')}, 1, 1, ${c.literal('e')})`,
        // Not CURRENT_TIMESTAMP: CREATE PIPE's documentation advises against CURRENT_* functions in
        // a pipe's COPY (a known issue makes their values hours earlier than the LOAD_TIME of
        // COPY_HISTORY) and, like "Transforming data during a load", recommends
        // METADATA$START_SCAN_TIME for the load time.
        'METADATA$START_SCAN_TIME',
      ],
      stage: r.stage,
      path: `${t.path}/`,
      fileFormat: r.fileFormat,
      pattern: PART_PATTERN,
    },
  };
}

/** One append-only stream on the landing table, read by one task in one transaction. */
export function streamNode(t: ResolvedTable): CreateNode {
  return {
    kind: 'create',
    objectType: 'STREAM',
    name: t.stream,
    onTable: t.landing,
    // docs.snowflake.com/en/sql-reference/sql/create-stream: APPEND_ONLY = TRUE records inserts only.
    options: [opt('APPEND_ONLY', kw('TRUE')), opt('COMMENT', str(`floe: new rows of ${t.landing.name}, consumed by task ${t.task.name}`))],
  };
}

/** The external stage over `s3://bucket/prefix/` through the storage integration. */
export function stageNode(r: ResolvedSetup): CreateNode {
  return {
    kind: 'create',
    objectType: 'STAGE',
    name: r.stage,
    options: [
      opt('URL', str(r.stageUrl)),
      opt('STORAGE_INTEGRATION', obj(r.integration)),
      opt('FILE_FORMAT', { kind: 'options', options: [opt('FORMAT_NAME', obj(r.fileFormat))] }),
      opt('COMMENT', str('floe: the S3 staging prefix')),
    ],
  };
}
