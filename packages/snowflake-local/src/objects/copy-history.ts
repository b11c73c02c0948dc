/**
 * `TABLE([INFORMATION_SCHEMA.]COPY_HISTORY(TABLE_NAME => '...', START_TIME => ..., END_TIME => ...))`
 * inside any query: the call is replaced by a temporary table holding the matching load history,
 * and the query then runs through the engine as written.
 */
import { randomUUID } from 'node:crypto';
import type { EngineContext, StatementHandler } from '../engine/extension.js';
import type { CopyHistoryEntry } from './object-catalog.js';
import type { ObjectsState } from './objects-state.js';
import { splitQualified } from './result-rows.js';
import { compilationError } from './snowflake-error.js';
import { tokenize, type Token } from './sql-tokens.js';

const MENTIONS = /\bCOPY_HISTORY\s*\(/i;

interface Call {
  readonly start: number;
  readonly end: number;
  /** Upper-cased argument name → its SQL text. */
  readonly args: Map<string, string>;
}

/** Finds `TABLE( [db.][schema.]COPY_HISTORY( args ) )`. */
function findCall(sql: string, tokens: readonly Token[]): Call | undefined {
  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i] as Token;
    if (t.kind !== 'word' || t.text.toUpperCase() !== 'COPY_HISTORY' || tokens[i + 1]?.text !== '(') continue;
    let j = i - 1;
    while (tokens[j]?.text === '.' && (tokens[j - 1]?.kind === 'word' || tokens[j - 1]?.kind === 'quoted')) j -= 2;
    const open = tokens[j];
    const table = tokens[j - 1];
    if (open?.text !== '(' || table?.kind !== 'word' || table.text.toUpperCase() !== 'TABLE') continue;
    const args = new Map<string, string>();
    let depth = 0;
    let k = i + 2;
    let argStart = k;
    const flush = (until: number): void => {
      const name = tokens[argStart];
      const arrow = tokens[argStart + 1];
      const last = tokens[until - 1];
      if (name === undefined || arrow?.text !== '=>' || last === undefined || until - 1 < argStart + 2) {
        throw compilationError('COPY_HISTORY takes named arguments: TABLE_NAME => ..., START_TIME => ... [, END_TIME => ...]', '002140', '42601');
      }
      args.set(name.text.toUpperCase(), sql.slice((tokens[argStart + 2] as Token).start, last.end));
    };
    for (; k < tokens.length; k += 1) {
      const x = tokens[k] as Token;
      if (x.text === '(' && x.kind === 'punct') depth += 1;
      else if (x.text === ')' && x.kind === 'punct') {
        if (depth === 0) break;
        depth -= 1;
      } else if (x.text === ',' && x.kind === 'punct' && depth === 0) {
        flush(k);
        argStart = k + 1;
      }
    }
    if (k > argStart) flush(k);
    const close = tokens[k + 1];
    if (close?.text !== ')') return undefined;
    return { start: table.start, end: close.end, args };
  }
  return undefined;
}

/** Evaluates a time argument through the engine (e.g. `DATEADD(HOURS, -1, CURRENT_TIMESTAMP())`). */
async function instant(ctx: EngineContext, expression: string): Promise<Date> {
  const r = await ctx.sql(`SELECT CAST(${expression} AS TIMESTAMP_LTZ) AS T`);
  const wire = r.rows[0]?.[0];
  if (wire === null || wire === undefined) throw compilationError(`COPY_HISTORY: time argument ${expression} is NULL`, '002140', '42601');
  return new Date(Math.round(Number(wire.split(' ')[0]) * 1000));
}

const STATUS: Record<CopyHistoryEntry['status'], string> = { LOADED: 'Loaded', LOAD_FAILED: 'Load failed', PARTIALLY_LOADED: 'Partially loaded' };

const COLUMNS: ReadonlyArray<[string, string]> = [
  ['FILE_NAME', 'VARCHAR'],
  ['STAGE_LOCATION', 'VARCHAR'],
  ['LAST_LOAD_TIME', 'TIMESTAMPTZ'],
  ['ROW_COUNT', 'BIGINT'],
  ['ROW_PARSED', 'BIGINT'],
  ['FILE_SIZE', 'BIGINT'],
  ['FIRST_ERROR_MESSAGE', 'VARCHAR'],
  ['FIRST_ERROR_LINE_NUMBER', 'BIGINT'],
  ['FIRST_ERROR_CHARACTER_POS', 'BIGINT'],
  ['FIRST_ERROR_COLUMN_NAME', 'VARCHAR'],
  ['ERROR_COUNT', 'BIGINT'],
  ['ERROR_LIMIT', 'BIGINT'],
  ['STATUS', 'VARCHAR'],
  ['TABLE_CATALOG_NAME', 'VARCHAR'],
  ['TABLE_SCHEMA_NAME', 'VARCHAR'],
  ['TABLE_NAME', 'VARCHAR'],
  ['PIPE_CATALOG_NAME', 'VARCHAR'],
  ['PIPE_SCHEMA_NAME', 'VARCHAR'],
  ['PIPE_NAME', 'VARCHAR'],
  ['PIPE_RECEIVED_TIME', 'TIMESTAMPTZ'],
];

export function copyHistoryHandler(state: ObjectsState): StatementHandler {
  // The rewritten statement comes back through the engine; it no longer names COPY_HISTORY.
  return {
    name: 'copy-history',
    matches: (sql) => /^(SELECT|WITH)\b/i.test(sql) && MENTIONS.test(sql),
    async execute(ctx, sql, binds) {
      const call = findCall(sql, tokenize(sql));
      if (call === undefined) throw compilationError('COPY_HISTORY must be called as TABLE([INFORMATION_SCHEMA.]COPY_HISTORY(...)).', '002140', '42601');
      const tableArg = call.args.get('TABLE_NAME');
      const startArg = call.args.get('START_TIME');
      if (tableArg === undefined || startArg === undefined) throw compilationError('COPY_HISTORY needs TABLE_NAME and START_TIME.', '002140', '42601');
      const tableName = /^'(.*)'$/s.exec(tableArg.trim())?.[1]?.replace(/''/g, "'");
      if (tableName === undefined) throw compilationError('COPY_HISTORY: TABLE_NAME must be a string literal.', '002140', '42601');
      const table = ctx.qualify(tableName);
      const from = await instant(ctx, startArg);
      const endArg = call.args.get('END_TIME');
      const to = endArg === undefined ? undefined : await instant(ctx, endArg);
      const entries = state.catalog.copyHistory.filter((e) => e.table === table && e.loadedAt >= from && (to === undefined || e.loadedAt < to));
      const name = `FLOE_COPY_HISTORY_${randomUUID().replace(/-/g, '').toUpperCase()}`;
      await ctx.duck.run(`CREATE TEMP TABLE "${name}" (${COLUMNS.map(([c, t]) => `"${c}" ${t}`).join(', ')})`);
      try {
        for (const e of entries) {
          const [tdb, tschema, tname] = splitQualified(e.table);
          const [pdb, pschema, pname] = e.pipe === undefined ? [null, null, null] : splitQualified(e.pipe);
          const values = [
            e.path,
            e.stageUrl,
            e.loadedAt.toISOString(),
            BigInt(e.rowsLoaded),
            BigInt(e.rowsParsed),
            BigInt(e.size),
            e.firstError,
            e.firstErrorLine === null ? null : BigInt(e.firstErrorLine),
            e.firstErrorCharacter === null ? null : BigInt(e.firstErrorCharacter),
            e.firstErrorColumnName,
            BigInt(e.errorsSeen),
            BigInt(e.errorLimit),
            STATUS[e.status],
            tdb,
            tschema,
            tname,
            pdb,
            pschema,
            pname,
            e.pipe === undefined ? null : e.loadedAt.toISOString(),
          ];
          await ctx.duck.run(`INSERT INTO temp.main."${name}" VALUES (${values.map((_, k) => `$${k + 1}`).join(', ')})`, values);
        }
        const rewritten = `${sql.slice(0, call.start)}temp.main."${name}"${sql.slice(call.end)}`;
        return await ctx.sql(rewritten, binds);
      } finally {
        await ctx.duck.run(`DROP TABLE IF EXISTS temp.main."${name}"`);
      }
    },
  };
}
