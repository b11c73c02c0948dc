/**
 * Pipes: CREATE / DROP / SHOW / DESC PIPE, ALTER PIPE (REFRESH, PIPE_EXECUTION_PAUSED) and
 * SYSTEM$PIPE_STATUS. Loading itself happens in PipeIngest.
 */
import type { StatementHandler } from '../engine/extension.js';
import { describeTarget } from './copy-target.js';
import { formatFromSpec, PIPE_FORBIDDEN_OPTIONS, pipeCovers, PIPE_HISTORY_DAYS, resolveStage } from './copy-loader.js';
import { parseCopyStatement } from './copy-statement.js';
import type { Pipe } from './object-catalog.js';
import type { ObjectsState } from './objects-state.js';
import type { PipeIngest } from './pipe-ingest.js';
import { column, ltzWire, parseShowTail, splitQualified, statusResult, table } from './result-rows.js';
import { compilationError, objectExists, objectMissing } from './snowflake-error.js';
import { optionText, TokenCursor } from './sql-tokens.js';

const CREATE = /^CREATE\s+(OR\s+REPLACE\s+)?PIPE\b/i;
const DROP = /^DROP\s+PIPE\b/i;
const SHOW = /^SHOW\s+PIPES\b/i;
const DESC = /^DESC(RIBE)?\s+PIPE\b/i;
const ALTER = /^ALTER\s+PIPE\b/i;
const STATUS = /^SELECT\s+SYSTEM\$PIPE_STATUS\s*\(\s*'((?:[^']|'')*)'\s*\)\s*(?:AS\s+("?)([\w$]+)\2)?\s*$/i;

const DAY_MS = 86_400_000;
/** ALTER PIPE ... REFRESH only considers files staged in the last 7 days. */
const REFRESH_DAYS = 7;

export function pipeHandlers(state: ObjectsState, ingest: PipeIngest): StatementHandler[] {
  const { catalog, identity } = state;
  const pipeRow = (p: Pipe): Array<string | null> => {
    const [db, schema, name] = splitQualified(p.qualified);
    return [
      ltzWire(p.createdOn),
      name,
      db,
      schema,
      p.definition,
      p.owner,
      p.autoIngest ? identity.notificationChannel : null,
      p.comment,
      p.integration ?? null,
      optionText(p.copy.options.get('PATTERN')) ?? null,
      null,
      'ROLE',
      null,
      'STAGE',
    ];
  };
  const pipeColumns = ['created_on', 'name', 'database_name', 'schema_name', 'definition', 'owner', 'notification_channel', 'comment', 'integration', 'pattern', 'error_integration', 'owner_role_type', 'invalid_reason', 'kind'].map((n) =>
    column(n, n === 'created_on' ? 'timestamp_ltz' : 'text'),
  );
  const getPipe = (qualified: string): Pipe => {
    const p = catalog.pipes.get(qualified);
    if (p === undefined) throw objectMissing('Pipe', qualified);
    return p;
  };
  return [
    {
      name: 'create-pipe',
      matches: (sql) => CREATE.test(sql),
      async execute(ctx, sql) {
        const c = new TokenCursor(sql);
        c.expectWords('CREATE');
        const replace = c.acceptWords('OR', 'REPLACE');
        c.expectWords('PIPE');
        const ifNotExists = c.acceptWords('IF', 'NOT', 'EXISTS');
        const qualified = ctx.qualify(c.name());
        const options = c.options(['AS']);
        const as = c.peek();
        if (as === undefined || !c.acceptWords('AS')) return c.fail('expected AS COPY INTO ...');
        const definition = sql.slice(as.end).trim();
        const [, , name] = splitQualified(qualified);
        if (catalog.pipes.has(qualified)) {
          if (ifNotExists) return statusResult(`${name} already exists, statement succeeded.`);
          if (!replace) throw objectExists('Pipe', name);
        }
        const copy = parseCopyStatement(definition);
        for (const forbidden of PIPE_FORBIDDEN_OPTIONS) {
          if (copy.options.has(forbidden)) throw compilationError(`Copy option '${forbidden}' is not supported in a pipe definition.`, '002041', '0A000');
        }
        if (optionText(copy.options.get('ON_ERROR'))?.toUpperCase() === 'ABORT_STATEMENT') {
          throw compilationError("Invalid value 'ABORT_STATEMENT' for copy option 'ON_ERROR' in a pipe definition.", '002041', '0A000');
        }
        // Snowflake compiles the COPY when the pipe is created: the stage, format and table must exist.
        const stage = resolveStage(ctx, catalog, copy.stage);
        formatFromSpec(ctx, catalog, copy.options.get('FILE_FORMAT'), stage.format);
        await describeTarget(ctx, copy.target);
        const comment = options.get('COMMENT');
        const pipe: Pipe = {
          qualified,
          definition,
          copy,
          stageQualified: stage.qualified,
          autoIngest: optionText(options.get('AUTO_INGEST'))?.toUpperCase() === 'TRUE',
          integration: optionText(options.get('INTEGRATION')),
          ownerSession: { user: ctx.session.user, role: ctx.session.role, database: ctx.session.database, schema: ctx.session.schema, warehouse: ctx.session.warehouse },
          paused: false,
          // A new pipe starts with empty load metadata: OR REPLACE forgets what the old one loaded.
          history: new Map(),
          pending: new Set(),
          lastIngestedTimestamp: undefined,
          lastIngestedFilePath: undefined,
          lastReceivedMessageTimestamp: undefined,
          lastForwardedMessageTimestamp: undefined,
          lastError: undefined,
          owner: ctx.session.role,
          createdOn: ctx.clock.now(),
          comment: comment?.kind === 'string' ? comment.value : '',
        };
        catalog.pipes.set(qualified, pipe);
        return statusResult(`Pipe ${name} successfully created.`);
      },
    },
    {
      name: 'drop-pipe',
      matches: (sql) => DROP.test(sql),
      async execute(ctx, sql) {
        const c = new TokenCursor(sql);
        c.expectWords('DROP', 'PIPE');
        const ifExists = c.acceptWords('IF', 'EXISTS');
        const qualified = ctx.qualify(c.name());
        const [, , name] = splitQualified(qualified);
        if (!catalog.pipes.delete(qualified)) {
          if (ifExists) return statusResult(`Drop statement executed successfully (${name} already dropped).`);
          throw objectMissing('Pipe', qualified);
        }
        return statusResult(`${name} successfully dropped.`);
      },
    },
    {
      name: 'show-pipes',
      matches: (sql) => SHOW.test(sql),
      async execute(ctx, sql) {
        const c = new TokenCursor(sql);
        c.expectWords('SHOW', 'PIPES');
        const { like, inScope } = parseShowTail(c, ctx);
        const rows = [...catalog.pipes.values()].filter((p) => inScope(p.qualified) && like(splitQualified(p.qualified)[2])).map(pipeRow);
        return table('show', pipeColumns, rows);
      },
    },
    {
      name: 'describe-pipe',
      matches: (sql) => DESC.test(sql),
      async execute(ctx, sql) {
        const c = new TokenCursor(sql);
        c.next();
        c.expectWords('PIPE');
        return table('describe', pipeColumns, [pipeRow(getPipe(ctx.qualify(c.name())))]);
      },
    },
    {
      name: 'alter-pipe',
      matches: (sql) => ALTER.test(sql),
      async execute(ctx, sql) {
        const c = new TokenCursor(sql);
        c.expectWords('ALTER', 'PIPE');
        const ifExists = c.acceptWords('IF', 'EXISTS');
        const qualified = ctx.qualify(c.name());
        const pipe = catalog.pipes.get(qualified);
        if (pipe === undefined) {
          if (ifExists) return statusResult('Statement executed successfully.', 'alter');
          throw objectMissing('Pipe', qualified);
        }
        if (c.acceptWords('REFRESH')) {
          const options = c.options();
          const prefix = optionText(options.get('PREFIX')) ?? '';
          const modifiedAfter = optionText(options.get('MODIFIED_AFTER'));
          const stage = catalog.stages.get(pipe.stageQualified);
          if (stage === undefined) throw objectMissing('Stage', pipe.stageQualified);
          const now = ctx.clock.now();
          const since = Math.max(now.getTime() - REFRESH_DAYS * DAY_MS, modifiedAfter === undefined ? 0 : Date.parse(modifiedAfter));
          const base = stage.prefix + pipe.copy.path;
          const objects = await state.store.list(stage.bucket, base + prefix.replace(/^\//, ''));
          const rows: Array<[string, string]> = [];
          for (const o of objects) {
            if (o.lastModified.getTime() < since) continue;
            const path = pipeCovers(stage, pipe.copy, o.bucket, o.key);
            if (path === undefined) continue;
            const loadedAt = pipe.history.get(path);
            if (loadedAt !== undefined && now.getTime() - loadedAt.getTime() <= PIPE_HISTORY_DAYS * DAY_MS) continue;
            ingest.enqueue(pipe, path);
            rows.push([path, 'SENT']);
          }
          return table('alter', [column('File'), column('Status')], rows);
        }
        if (c.acceptWords('SET')) {
          const options = c.options();
          const paused = options.get('PIPE_EXECUTION_PAUSED');
          if (paused !== undefined) {
            const wasPaused = pipe.paused;
            pipe.paused = optionText(paused)?.toUpperCase() === 'TRUE';
            if (wasPaused && !pipe.paused) ingest.resume(pipe);
          }
          const comment = options.get('COMMENT');
          if (comment?.kind === 'string') (pipe as { comment: string }).comment = comment.value;
          return statusResult('Statement executed successfully.', 'alter');
        }
        return c.fail('expected REFRESH or SET');
      },
    },
    {
      name: 'system-pipe-status',
      matches: (sql) => STATUS.test(sql),
      async execute(ctx, sql) {
        const m = STATUS.exec(sql) as RegExpExecArray;
        const written = (m[1] as string).replace(/''/g, "'");
        const json = pipeStatusJson(state, ctx.qualify(written));
        const alias = m[3] === undefined ? `SYSTEM$PIPE_STATUS('${written.toUpperCase()}')` : m[2] === '"' ? m[3] : m[3].toUpperCase();
        return table('query', [column(alias)], [[json]]);
      },
    },
  ];
}

/** SYSTEM$PIPE_STATUS's JSON for a pipe (keys absent when Snowflake would omit them). */
export function pipeStatusJson(state: ObjectsState, qualified: string): string {
  const pipe = state.catalog.pipes.get(qualified);
  if (pipe === undefined) throw objectMissing('Pipe', qualified);
  const iso = (d: Date | undefined): string | undefined => d?.toISOString();
  return JSON.stringify({
    executionState: pipe.paused ? 'PAUSED' : 'RUNNING',
    pendingFileCount: pipe.pending.size,
    lastIngestedTimestamp: iso(pipe.lastIngestedTimestamp),
    lastIngestedFilePath: pipe.lastIngestedFilePath,
    notificationChannelName: pipe.autoIngest ? state.identity.notificationChannel : undefined,
    numOutstandingMessagesOnChannel: pipe.pending.size,
    lastReceivedMessageTimestamp: iso(pipe.lastReceivedMessageTimestamp),
    lastForwardedMessageTimestamp: iso(pipe.lastForwardedMessageTimestamp),
    error: pipe.lastError,
  });
}
