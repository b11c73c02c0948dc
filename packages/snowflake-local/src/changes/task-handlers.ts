/** CREATE / ALTER / SHOW / DESC / DROP / EXECUTE TASK. */
import type { EngineContext, StatementHandler, StatementResult } from '../engine/extension.js';
import { compilationError, notEmulated, objectExists } from '../objects/snowflake-error.js';
import { column, statusResult, wireTimestamp } from './result-rows.js';
import { parseShowFilter } from './show-filter.js';
import { shortName, splitQualified, TokenCursor } from './sql-text.js';
import type { TaskCatalog, TaskDefinition } from './task-catalog.js';
import { parseCreateTask, parseTaskOptions } from './task-definition.js';
import type { TaskRun } from './task-history.js';

export interface TaskControl {
  readonly tasks: TaskCatalog;
  /** Marks a task started and plans its next run. */
  resume(task: TaskDefinition): void;
  suspend(task: TaskDefinition): void;
  /** Runs the graph of a root now (EXECUTE TASK); resolves when every task of that run ended. */
  execute(root: TaskDefinition): Promise<TaskRun[]>;
}

const SHOW_COLUMNS = [
  column('created_on', 'timestamp_ltz'),
  column('name'),
  column('id'),
  column('database_name'),
  column('schema_name'),
  column('owner'),
  column('comment'),
  column('warehouse'),
  column('schedule'),
  column('predecessors'),
  column('state'),
  column('definition'),
  column('condition'),
  column('allow_overlapping_execution'),
  column('error_integration'),
  column('last_committed_on', 'timestamp_ltz'),
  column('last_suspended_on', 'timestamp_ltz'),
  column('owner_role_type'),
  column('config'),
  column('budget'),
  column('task_relations'),
  column('last_suspended_reason'),
  column('next_scheduled_time', 'timestamp_ltz'),
];

function showRow(control: TaskControl, t: TaskDefinition): Array<string | null> {
  const [db, schema] = splitQualified(t.name);
  const root = control.tasks.rootOf(t);
  return [
    wireTimestamp(t.createdOn),
    shortName(t.name),
    t.name,
    db ?? null,
    schema ?? null,
    t.ownerRole,
    t.options.comment,
    t.options.warehouse ?? null,
    t.options.schedule?.text ?? null,
    // Snowflake prints these as JSON text in text columns.
    JSON.stringify(t.options.predecessors, null, 2),
    t.state,
    t.definition,
    t.options.condition ?? null,
    String(t.options.allowOverlappingExecution),
    null,
    null,
    null,
    'ROLE',
    null,
    null,
    JSON.stringify({ Predecessors: t.options.predecessors, ...(root !== t ? { RootTask: root.name } : {}) }),
    null,
    wireTimestamp(t.nextFire),
  ];
}

function createTask(control: TaskControl, ctx: EngineContext, sql: string): StatementResult {
  const stmt = parseCreateTask(sql, ctx);
  const { tasks } = control;
  const existing = tasks.get(stmt.name);
  if (existing) {
    if (stmt.ifNotExists) return statusResult('ddl', `${shortName(stmt.name)} already exists, statement succeeded.`);
    if (!stmt.orReplace) throw objectExists('TASK', shortName(stmt.name));
    tasks.assertGraphChangeable(existing);
  }
  tasks.validateEdges(stmt.name, stmt.options.predecessors, stmt.options.schedule !== undefined);
  const [database, schema] = splitQualified(stmt.name);
  tasks.put({
    name: stmt.name,
    database: database ?? ctx.session.database,
    schema: schema ?? ctx.session.schema,
    ownerUser: ctx.session.user,
    ownerRole: ctx.session.role,
    createdOn: ctx.clock.now(),
    options: stmt.options,
    definition: stmt.definition,
    state: 'suspended',
    resumedAt: undefined,
    nextFire: undefined,
    consecutiveFailures: 0,
  });
  return statusResult('ddl', `Task ${shortName(stmt.name)} successfully created.`);
}

async function alterTask(control: TaskControl, ctx: EngineContext, sql: string): Promise<StatementResult> {
  const cur = new TokenCursor(sql);
  cur.expectWords('ALTER', 'TASK');
  const ifExists = cur.acceptWords('IF', 'EXISTS');
  const name = ctx.qualify(cur.name());
  if (ifExists && !control.tasks.get(name)) return statusResult('alter', 'Statement executed successfully.');
  const t = control.tasks.require(name);
  const isRoot = t.options.predecessors.length === 0;
  if (cur.acceptWords('RESUME')) {
    // A child can be resumed only while its root is suspended ("resume the children first").
    if (!isRoot) control.tasks.assertGraphChangeable(t);
    control.resume(t);
  } else if (cur.acceptWords('SUSPEND')) {
    if (!isRoot) control.tasks.assertGraphChangeable(t);
    control.suspend(t);
  } else {
    control.tasks.assertGraphChangeable(t);
    if (cur.acceptWords('SET')) {
      const options = { ...t.options, predecessors: [...t.options.predecessors], parameters: { ...t.options.parameters } };
      parseTaskOptions(cur, ctx, options, false);
      control.tasks.validateEdges(t.name, options.predecessors, options.schedule !== undefined);
      t.options = options;
    } else if (cur.acceptWords('ADD', 'AFTER')) {
      const added: string[] = [];
      do added.push(ctx.qualify(cur.name()));
      while (cur.acceptOp(','));
      const predecessors = [...new Set([...t.options.predecessors, ...added])];
      control.tasks.validateEdges(t.name, predecessors, t.options.schedule !== undefined);
      t.options.predecessors = predecessors;
    } else if (cur.acceptWords('REMOVE', 'AFTER')) {
      const removed = new Set<string>();
      do removed.add(ctx.qualify(cur.name()));
      while (cur.acceptOp(','));
      t.options.predecessors = t.options.predecessors.filter((p) => !removed.has(p));
    } else if (cur.acceptWords('MODIFY', 'AS')) {
      t.definition = cur.rest().replace(/;\s*$/, '').trim();
      while (!cur.done()) cur.next();
    } else if (cur.acceptWords('MODIFY', 'WHEN')) {
      t.options.condition = cur.rest();
      while (!cur.done()) cur.next();
    } else if (cur.acceptWords('REMOVE', 'WHEN')) {
      t.options.condition = undefined;
    } else {
      throw notEmulated(`ALTER TASK ${cur.rest().split(/\s+/)[0] ?? ''}`);
    }
  }
  if (!cur.done()) throw cur.error('unexpected text in ALTER TASK');
  return statusResult('alter', 'Statement executed successfully.');
}

/** The statement handlers for tasks. */
export function taskHandlers(control: TaskControl): StatementHandler[] {
  return [
    {
      name: 'create-task',
      matches: (sql) => /^CREATE\s+(OR\s+REPLACE\s+)?TASK\b/i.test(sql),
      execute: async (ctx, sql) => createTask(control, ctx, sql),
    },
    {
      name: 'alter-task',
      matches: (sql) => /^ALTER\s+TASK\b/i.test(sql),
      execute: (ctx, sql) => alterTask(control, ctx, sql),
    },
    {
      name: 'show-tasks',
      matches: (sql) => /^SHOW\s+TASKS\b/i.test(sql),
      execute: async (ctx, sql) => {
        const cur = new TokenCursor(sql);
        cur.expectWords('SHOW', 'TASKS');
        const filter = parseShowFilter(cur, ctx);
        const rows = control.tasks.list().filter((t) => filter.matches(t.name)).map((t) => showRow(control, t));
        return { kind: 'show', columns: SHOW_COLUMNS, rows };
      },
    },
    {
      name: 'describe-task',
      matches: (sql) => /^DESC(RIBE)?\s+TASK\b/i.test(sql),
      execute: async (ctx, sql) => {
        const cur = new TokenCursor(sql);
        if (!cur.acceptWords('DESCRIBE')) cur.expectWords('DESC');
        cur.expectWords('TASK');
        const task = control.tasks.require(ctx.qualify(cur.name()));
        if (!cur.done()) throw cur.error('unexpected text in DESC TASK');
        return { kind: 'describe', columns: SHOW_COLUMNS, rows: [showRow(control, task)] };
      },
    },
    {
      name: 'drop-task',
      matches: (sql) => /^DROP\s+TASK\b/i.test(sql),
      execute: async (ctx, sql) => {
        const cur = new TokenCursor(sql);
        cur.expectWords('DROP', 'TASK');
        const ifExists = cur.acceptWords('IF', 'EXISTS');
        const name = ctx.qualify(cur.name());
        if (!cur.done()) throw cur.error('unexpected text in DROP TASK');
        if (ifExists && !control.tasks.get(name)) return statusResult('ddl', 'Drop statement executed successfully (task already dropped).');
        const task = control.tasks.require(name);
        if (task.options.predecessors.length > 0) control.tasks.assertGraphChangeable(task);
        control.suspend(task);
        control.tasks.delete(name);
        return statusResult('ddl', `${shortName(name)} successfully dropped.`);
      },
    },
    {
      name: 'execute-task',
      matches: (sql) => /^EXECUTE\s+TASK\b/i.test(sql),
      execute: async (ctx, sql) => {
        const cur = new TokenCursor(sql);
        cur.expectWords('EXECUTE', 'TASK');
        const task = control.tasks.require(ctx.qualify(cur.name()));
        if (cur.acceptWords('RETRY', 'LAST')) throw notEmulated('EXECUTE TASK ... RETRY LAST');
        if (!cur.done()) throw cur.error('unexpected text in EXECUTE TASK');
        if (task.options.predecessors.length > 0) {
          throw compilationError(`Task ${shortName(task.name)} is a child task: EXECUTE TASK runs only a standalone task or the root task of a graph.`, '091092', '22000');
        }
        // Snowflake starts the run asynchronously; here the statement returns once the run ended so
        // callers (tests, the demo) see its effects deterministically.
        await control.execute(task);
        return statusResult('call', `Task ${shortName(task.name)} executed.`);
      },
    },
  ];
}
