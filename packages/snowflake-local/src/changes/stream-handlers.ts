/** CREATE / SHOW / DESC / DROP STREAM. */
import type { EngineContext, StatementHandler, StatementResult } from '../engine/extension.js';
import { compilationError, notEmulated, objectExists, objectMissing } from '../objects/snowflake-error.js';
import { parseShowFilter } from './show-filter.js';
import { column, statusResult, wireTimestamp } from './result-rows.js';
import { shortName, splitQualified, sqlName, TokenCursor } from './sql-text.js';
import type { StreamCatalog, StreamDefinition } from './stream-catalog.js';
import { INTERNAL_MARKER, measureHighWater, tableIdentity } from './high-water.js';


const SHOW_COLUMNS = [
  column('created_on', 'timestamp_ltz'),
  column('name'),
  column('database_name'),
  column('schema_name'),
  column('owner'),
  column('comment'),
  column('table_name'),
  column('source_type'),
  column('base_tables'),
  column('type'),
  column('stale'),
  column('mode'),
  column('stale_after', 'timestamp_ltz'),
  column('invalid_reason'),
  column('owner_role_type'),
];

function showRow(s: StreamDefinition): Array<string | null> {
  const [db, schema] = splitQualified(s.name);
  return [
    wireTimestamp(s.createdOn),
    shortName(s.name),
    db ?? null,
    schema ?? null,
    s.owner,
    s.comment ?? '',
    s.table,
    'Table',
    s.table,
    'DELTA',
    s.stale ? 'true' : 'false',
    'APPEND_ONLY',
    null,
    s.stale ?? 'N/A',
    'ROLE',
  ];
}

async function createStream(catalog: StreamCatalog, ctx: EngineContext, sql: string): Promise<StatementResult> {
  const cur = new TokenCursor(sql);
  cur.expectWords('CREATE');
  const orReplace = cur.acceptWords('OR', 'REPLACE');
  cur.expectWords('STREAM');
  const ifNotExists = cur.acceptWords('IF', 'NOT', 'EXISTS');
  const name = ctx.qualify(cur.name());
  cur.acceptWords('COPY', 'GRANTS');
  cur.expectWords('ON');
  if (!cur.acceptWords('TABLE')) throw notEmulated(`CREATE STREAM ON ${cur.peek()?.text ?? ''} (only ON TABLE)`);
  const table = ctx.qualify(cur.name());
  let appendOnly = false;
  let showInitialRows = false;
  let comment: string | undefined;
  while (!cur.done()) {
    if (cur.acceptWords('APPEND_ONLY')) {
      cur.expectOp('=');
      appendOnly = cur.value().toUpperCase() === 'TRUE';
    } else if (cur.acceptWords('SHOW_INITIAL_ROWS')) {
      cur.expectOp('=');
      showInitialRows = cur.value().toUpperCase() === 'TRUE';
    } else if (cur.acceptWords('COMMENT')) {
      cur.expectOp('=');
      comment = cur.string();
    } else if (cur.acceptWords('AT') || cur.acceptWords('BEFORE')) {
      throw notEmulated('CREATE STREAM ... AT | BEFORE (time travel)');
    } else throw cur.error('unexpected option in CREATE STREAM');
  }
  // Only inserts are tracked here; a standard stream would also have to report updates and deletes.
  if (!appendOnly) throw notEmulated('A standard (not APPEND_ONLY = TRUE) stream');
  if (catalog.get(name)) {
    if (ifNotExists) return statusResult('ddl', `${shortName(name)} already exists, statement succeeded.`);
    if (!orReplace) throw objectExists('STREAM', shortName(name));
  }
  let highWater: bigint;
  let identity: string | undefined;
  try {
    highWater = await measureHighWater(ctx, table);
    identity = await tableIdentity(ctx, table);
  } catch {
    throw objectMissing('Table', table);
  }
  catalog.add(
    { name, table, owner: ctx.session.role, createdOn: ctx.clock.now(), showInitialRows, comment, offset: showInitialRows ? 0n : highWater, tableIdentity: identity, stale: undefined },
    highWater,
  );
  return statusResult('ddl', `Stream ${shortName(name)} successfully created.`);
}

function lookup(catalog: StreamCatalog, ctx: EngineContext, cur: TokenCursor): StreamDefinition {
  const written = cur.name();
  const stream = catalog.get(ctx.qualify(written));
  if (!stream) throw objectMissing('Stream', ctx.qualify(written));
  return stream;
}

/** The statement handlers for streams over `catalog`. */
export function streamHandlers(catalog: StreamCatalog): StatementHandler[] {
  return [
    {
      name: 'create-stream',
      matches: (sql) => /^CREATE\s+(OR\s+REPLACE\s+)?STREAM\b/i.test(sql),
      execute: (ctx, sql) => createStream(catalog, ctx, sql),
    },
    {
      name: 'show-streams',
      matches: (sql) => /^SHOW\s+STREAMS\b/i.test(sql),
      execute: async (ctx, sql) => {
        const cur = new TokenCursor(sql);
        cur.expectWords('SHOW', 'STREAMS');
        const filter = parseShowFilter(cur, ctx);
        const rows = catalog.list().filter((s) => filter.matches(s.name)).map(showRow);
        return { kind: 'show', columns: SHOW_COLUMNS, rows };
      },
    },
    {
      name: 'describe-stream',
      matches: (sql) => /^DESC(RIBE)?\s+STREAM\b/i.test(sql),
      execute: async (ctx, sql) => {
        const cur = new TokenCursor(sql);
        if (!cur.acceptWords('DESCRIBE')) cur.expectWords('DESC');
        cur.expectWords('STREAM');
        const stream = lookup(catalog, ctx, cur);
        if (!cur.done()) throw cur.error('unexpected text in DESC STREAM');
        return { kind: 'describe', columns: SHOW_COLUMNS, rows: [showRow(stream)] };
      },
    },
    {
      name: 'drop-stream',
      matches: (sql) => /^DROP\s+STREAM\b/i.test(sql),
      execute: async (ctx, sql) => {
        const cur = new TokenCursor(sql);
        cur.expectWords('DROP', 'STREAM');
        const ifExists = cur.acceptWords('IF', 'EXISTS');
        const name = ctx.qualify(cur.name());
        if (!cur.done()) throw cur.error('unexpected text in DROP STREAM');
        if (!catalog.drop(name)) {
          if (ifExists) return statusResult('ddl', 'Drop statement executed successfully (stream already dropped).');
          throw objectMissing('Stream', name);
        }
        return statusResult('ddl', `${shortName(name)} successfully dropped.`);
      },
    },
  ];
}

/** Whether the stream has rows a DML would consume now (committed rows past its offset). */
export async function streamHasData(catalog: StreamCatalog, ctx: EngineContext, written: string): Promise<boolean> {
  const stream = catalog.get(ctx.qualify(written));
  if (!stream) throw compilationError(`Stream '${ctx.qualify(written)}' does not exist or not authorized.`, '002003', '02000');
  await catalog.refresh();
  const hi = catalog.highWaterOf(stream.table) ?? stream.offset;
  if (hi <= stream.offset) return false;
  const result = await ctx.sql(`SELECT COUNT(*) AS "${INTERNAL_MARKER}" FROM ${sqlName(stream.table)} WHERE rowid >= ${stream.offset} AND rowid < ${hi}`);
  return BigInt(result.rows[0]?.[0] ?? '0') > 0n;
}
