import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import { objectNames, type FloeError, type Manifest } from '@floe/core';
import { partitionDates } from '../partition-dates.js';
import { EXIT } from '../exit-codes.js';
import { jobFor, loadFloeConfig, openSnowflake, selectTables, type FloeConfig, type SnowflakeSession, type TableConfig } from '../context.js';
import { errorJson } from '../output.js';
import { withExamples, type CommandHandler } from '../program.js';
import { ident, literal, qualified } from '../sf-sql.js';
import { renderTable } from '../summary-table.js';
import type { Register } from './index.js';

interface StatusOptions {
  readonly table?: string;
  readonly limit: string;
}

interface PipeState {
  readonly table: string;
  readonly pipe: string;
  readonly executionState?: string;
  readonly pendingFileCount?: number;
  readonly lastIngestedTimestamp?: string;
  readonly lastIngestedFilePath?: string;
  readonly error?: FloeError;
}

interface TaskState {
  readonly table: string;
  readonly task: string;
  readonly state?: string;
  readonly schedule?: string;
  readonly error?: FloeError;
}

/** Pipe status (SYSTEM$PIPE_STATUS) and task state (SHOW TASKS) of each table. */
async function snowflakeState(sf: NonNullable<FloeConfig['snowflake']>, session: SnowflakeSession, tables: readonly TableConfig[]): Promise<{ pipes: PipeState[]; tasks: TaskState[] }> {
  const pipes: PipeState[] = [];
  const tasks: TaskState[] = [];
  const seenTasks = new Set<string>();
  for (const t of tables) {
    const names = objectNames(sf, t);
    const pipeName = qualified(sf.database, sf.schema, names.pipe);
    const status = await session.query<Record<string, unknown>>(`SELECT SYSTEM$PIPE_STATUS(${literal(pipeName)}) AS "S"`);
    if (status.isErr()) pipes.push({ table: t.name, pipe: names.pipe, error: status.error });
    else {
      const raw = status.value[0]?.['S'];
      const parsed = (typeof raw === 'string' ? JSON.parse(raw) : (raw ?? {})) as Record<string, unknown>;
      pipes.push({
        table: t.name,
        pipe: names.pipe,
        ...(typeof parsed['executionState'] === 'string' ? { executionState: parsed['executionState'] } : {}),
        ...(typeof parsed['pendingFileCount'] === 'number' ? { pendingFileCount: parsed['pendingFileCount'] } : {}),
        ...(typeof parsed['lastIngestedTimestamp'] === 'string' ? { lastIngestedTimestamp: parsed['lastIngestedTimestamp'] } : {}),
        ...(typeof parsed['lastIngestedFilePath'] === 'string' ? { lastIngestedFilePath: parsed['lastIngestedFilePath'] } : {}),
      });
    }
    if (seenTasks.has(names.task)) continue;
    seenTasks.add(names.task);
    const shown = await session.query<Record<string, unknown>>(`SHOW TASKS LIKE ${literal(names.task.toUpperCase())} IN SCHEMA ${ident(sf.database)}.${ident(sf.schema)}`);
    if (shown.isErr()) tasks.push({ table: t.name, task: names.task, error: shown.error });
    else {
      const row = shown.value[0];
      tasks.push(
        row
          ? { table: t.name, task: names.task, state: String(row['state'] ?? row['STATE'] ?? '?'), schedule: String(row['schedule'] ?? row['SCHEDULE'] ?? '') }
          : { table: t.name, task: names.task, state: 'missing (run floe provision)' },
      );
    }
  }
  return { pipes, tasks };
}

const status: CommandHandler<StatusOptions> = async (opts, g, out) => {
  const limit = Number(opts.limit);
  const loaded = await loadFloeConfig(g, []);
  if (loaded.isErr()) return { exitCode: EXIT.usage, data: {}, error: loaded.error };
  const config = loaded.value;
  const tables = selectTables(config, opts.table);
  if (tables.isErr()) return { exitCode: EXIT.usage, data: {}, error: tables.error };

  const runs: Array<{ table: string; manifests: Manifest[] }> = [];
  const errors: FloeError[] = [];
  const wanted = Number.isInteger(limit) && limit > 0 ? limit : 10;
  for (const t of tables.value) {
    // Newest days first, reading only as many days' manifests as the limit needs.
    const recent = await jobFor(config, t.name).andThen((job) =>
      partitionDates(config, t.name).andThen((dates) => {
        const collect = async (): Promise<Manifest[] | FloeError> => {
          const found: Manifest[] = [];
          for (const d of dates) {
            if (found.length >= wanted) break;
            const day = await job.uploader.listManifests(t.name, d);
            if (day.isErr()) return day.error;
            found.push(...[...day.value].reverse());
          }
          return found.slice(0, wanted);
        };
        return ResultAsync.fromSafePromise(collect()).andThen((r) => (Array.isArray(r) ? okAsync(r) : errAsync(r)));
      }),
    );
    if (recent.isErr()) {
      errors.push(recent.error);
      out.error(recent.error);
      continue;
    }
    runs.push({ table: t.name, manifests: recent.value });
  }
  out.print(renderTable(['table', 'day', 'run id', 'rows', 'files', 'bytes', 'finished at'], runs.flatMap((r) => r.manifests.map((m) => [r.table, m.partitionDate, m.runId, m.rows, m.files.length, m.bytes, m.finishedAt]))));

  let pipes: PipeState[] = [];
  let tasks: TaskState[] = [];
  const sf = config.snowflake;
  if (sf) {
    const session = await openSnowflake(config, { loginRetries: 0 });
    if (session.isErr()) {
      errors.push(session.error);
      out.error(session.error);
    } else {
      ({ pipes, tasks } = await snowflakeState(sf, session.value, tables.value));
      await session.value.close();
      out.print(renderTable(['table', 'pipe', 'state', 'pending files', 'last ingested'], pipes.map((p) => [p.table, p.pipe, p.executionState ?? (p.error ? `error: ${p.error.message}` : '?'), p.pendingFileCount ?? '', p.lastIngestedTimestamp ?? ''])));
      out.print(renderTable(['task', 'state', 'schedule'], tasks.map((t) => [t.task, t.state ?? (t.error ? `error: ${t.error.message}` : '?'), t.schedule ?? ''])));
    }
  }
  return {
    exitCode: errors.length > 0 ? EXIT.runFailed : EXIT.ok,
    data: {
      runs: runs.map((r) => ({ table: r.table, recent: r.manifests.map((m) => ({ date: m.partitionDate, runId: m.runId, rows: m.rows, files: m.files.length, bytes: m.bytes, finishedAt: m.finishedAt })) })),
      pipes: pipes.map(({ error, ...p }) => ({ ...p, ...(error ? { error: errorJson(error) } : {}) })),
      tasks: tasks.map(({ error, ...t }) => ({ ...t, ...(error ? { error: errorJson(error) } : {}) })),
      errors: errors.map(errorJson),
    },
  };
};

/** `floe status`: recent runs from the manifests, pipe status and task state. */
export const registerStatus: Register = (program, run) => {
  withExamples(
    program
      .command('status')
      .description('recent runs (from the manifests), Snowpipe status (SYSTEM$PIPE_STATUS) and task state (SHOW TASKS)')
      .option('--table <name>', 'only this table')
      .option('--limit <n>', 'runs shown per table', '10')
      .action(run(status)),
    ['floe status', 'floe status --table sales --limit 30', 'floe status --json'],
  );
};
