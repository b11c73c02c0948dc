import { normaliseName, type ObjectName } from '../sql/identifiers.js';
import { bool, kw, num, opt, str, strs, type ShowNode, type ShowableType, type Statement } from '../sql/nodes.js';
import { defaultCompiler as c } from '../sql/sql-compiler.js';
import { fileFormatNode } from '../setup/file-format.js';
import { loaderGrants } from '../setup/grants.js';
import { landingTableNode, pipeNode, stageNode, streamNode } from '../setup/landing-pipe.js';
import { derivedTableNode, mergedTables, targetTableNode, taskNode } from '../setup/merge-task.js';
import { starTableNodes } from '../star/star-schema.js';
import { resolveSetup, type FloeSnowflakeSetup, type ResolvedSetup } from '../setup/setup-config.js';
import type { PlanObjectType, PlanStep, SetupPhase, SetupPlan } from './plan-types.js';

interface StepInput {
  readonly phase: SetupPhase;
  readonly type: PlanObjectType;
  readonly name: ObjectName;
  readonly node: Statement;
  readonly description: string;
  readonly exists?: { readonly show: ShowableType; readonly in?: ShowNode['in'] };
  readonly read?: readonly string[];
  /** Distinguishes two steps on one object (e.g. suspend and create of a task). */
  readonly action?: string;
}

const slug = (s: string): string => s.toLowerCase().replace(/ /g, '-');

export function step(i: StepInput): PlanStep {
  const objectName = c.qualified(i.name);
  const idName = [i.name.database, i.name.schema, i.name.name].filter((p) => p !== undefined).map((p) => normaliseName(p)).join('.');
  const base: PlanStep = {
    id: `${i.phase}/${slug(i.type)}/${idName}${i.action !== undefined ? `/${i.action}` : ''}`,
    phase: i.phase,
    object: { type: i.type, name: objectName },
    sql: c.compile(i.node),
    kind: i.read !== undefined ? 'read' : 'ddl',
    description: i.description,
  };
  const withReturns = i.read !== undefined ? { ...base, returns: i.read } : base;
  if (i.exists === undefined) return withReturns;
  const show: ShowNode = { kind: 'show', objectType: i.exists.show, like: i.name.name, ...(i.exists.in !== undefined ? { in: i.exists.in } : {}) };
  return { ...withReturns, existsSql: c.compile(show), existsName: normaliseName(i.name.name) };
}

function bootstrap(r: ResolvedSetup): PlanStep[] {
  const cfg = r.config;
  const steps: PlanStep[] = [];
  if (cfg.warehouse.create === true) {
    steps.push(step({
      phase: 'bootstrap', type: 'WAREHOUSE', name: r.warehouse,
      node: { kind: 'create', objectType: 'WAREHOUSE', name: r.warehouse, options: [
        opt('WAREHOUSE_SIZE', kw(cfg.warehouse.size ?? 'XSMALL')),
        opt('AUTO_SUSPEND', num(cfg.warehouse.autoSuspendSeconds ?? 60)),
        opt('AUTO_RESUME', bool(true)),
        opt('INITIALLY_SUSPENDED', bool(true)),
        opt('COMMENT', str('floe: runs the merge tasks')),
      ] },
      exists: { show: 'WAREHOUSES' },
      description: 'Warehouse for the merge tasks (suspends itself when idle).',
    }));
  }
  if (cfg.createDatabase ?? true) {
    steps.push(step({ phase: 'bootstrap', type: 'DATABASE', name: r.database, node: { kind: 'create', objectType: 'DATABASE', name: r.database, options: [] }, exists: { show: 'DATABASES' }, description: 'Database holding every floe object.' }));
    steps.push(step({ phase: 'bootstrap', type: 'SCHEMA', name: r.schema, node: { kind: 'create', objectType: 'SCHEMA', name: r.schema, options: [] }, exists: { show: 'SCHEMAS', in: { type: 'DATABASE', name: r.database } }, description: 'Schema holding every floe object.' }));
  }
  if (cfg.loader !== undefined) {
    const role = { name: cfg.loader.role };
    steps.push(step({ phase: 'bootstrap', type: 'ROLE', name: role, node: { kind: 'create', objectType: 'ROLE', name: role, options: [opt('COMMENT', str('floe: runtime role (monitor and operate pipes and tasks, read tables)'))] }, exists: { show: 'ROLES' }, description: 'Role floe\'s runtime uses.' }));
  }
  return steps;
}

function integration(r: ResolvedSetup): PlanStep[] {
  return [
    step({
      phase: 'integration', type: 'INTEGRATION', name: r.integration,
      // IF NOT EXISTS, never OR REPLACE: a replaced integration gets a new generated external id (the
      // role's trust policy stops matching) and a new hidden id, which detaches every stage that
      // references it (CREATE STORAGE INTEGRATION, usage notes).
      node: { kind: 'create', objectType: 'STORAGE INTEGRATION', name: r.integration, options: [
        opt('TYPE', kw('EXTERNAL_STAGE')),
        opt('STORAGE_PROVIDER', str(r.storageProvider)),
        opt('ENABLED', bool(true)),
        opt('STORAGE_AWS_ROLE_ARN', str(r.config.integration.awsRoleArn)),
        // Only the staging prefix: every stage URL must lie inside the allowed locations.
        opt('STORAGE_ALLOWED_LOCATIONS', strs([r.stageUrl])),
        opt('COMMENT', str('floe: read access to the S3 staging prefix')),
      ] },
      exists: { show: 'INTEGRATIONS' },
      description: `Storage integration limited to ${r.stageUrl}. Needs ACCOUNTADMIN or CREATE INTEGRATION.`,
    }),
    step({
      phase: 'integration', type: 'INTEGRATION', name: r.integration, action: 'describe',
      node: { kind: 'describe', objectType: 'STORAGE INTEGRATION', name: r.integration },
      read: ['STORAGE_AWS_IAM_USER_ARN', 'STORAGE_AWS_EXTERNAL_ID'],
      description: 'Reads the IAM user and external id Snowflake uses: put them in the role\'s trust policy (iamTrustPolicy) before the stage is used.',
    }),
  ];
}

function objects(r: ResolvedSetup): PlanStep[] {
  const inSchema = { type: 'SCHEMA' as const, name: r.schema };
  const steps: PlanStep[] = [
    step({ phase: 'objects', type: 'FILE FORMAT', name: r.fileFormat, node: fileFormatNode(r), exists: { show: 'FILE FORMATS', in: inSchema }, description: `File format matching core's ${r.config.format} serializer.` }),
    step({ phase: 'objects', type: 'STAGE', name: r.stage, node: stageNode(r), exists: { show: 'STAGES', in: inSchema }, description: `External stage on ${r.stageUrl}.` }),
  ];
  for (const t of r.tables) {
    steps.push(step({ phase: 'objects', type: 'TABLE', name: t.landing, node: landingTableNode(t), exists: { show: 'TABLES', in: inSchema }, description: `Landing table for ${t.path}: every delivered row with its file, row number, run id and load time.` }));
    // The stream exists before the pipe, so no loaded row can escape it.
    steps.push(step({ phase: 'objects', type: 'STREAM', name: t.stream, node: streamNode(t), exists: { show: 'STREAMS', in: inSchema }, description: `Append-only stream on ${t.landing.name}.` }));
    steps.push(step({ phase: 'objects', type: 'TABLE', name: t.target, node: targetTableNode(t), exists: { show: 'TABLES', in: inSchema }, description: `${t.target.name}: one row per (${t.keys.join(', ')}), latest run wins.` }));
    for (const d of t.derived) {
      steps.push(step({ phase: 'objects', type: 'TABLE', name: d.name, node: derivedTableNode(d), exists: { show: 'TABLES', in: inSchema }, description: d.spec.comment ?? `Derived table ${d.name.name}.` }));
    }
    for (const node of t.star ? starTableNodes(t.star) : []) {
      steps.push(step({ phase: 'objects', type: 'TABLE', name: node.name, node, exists: { show: 'TABLES', in: inSchema }, description: `Star schema table ${node.name.name}, kept by ${t.task.name}.` }));
    }
    // IF NOT EXISTS, never OR REPLACE: a recreated pipe loses its load history and would load
    // every file of the last 14 days again.
    steps.push(step({ phase: 'objects', type: 'PIPE', name: t.pipe, node: pipeNode(r, t), exists: { show: 'PIPES', in: inSchema }, description: `Snowpipe (AUTO_INGEST) loading ${r.stageUrl}${t.path}/ into ${t.landing.name}.` }));
    steps.push(step({ phase: 'objects', type: 'PIPE', name: t.pipe, action: 'describe', node: { kind: 'describe', objectType: 'PIPE', name: t.pipe }, read: ['notification_channel'], description: `Reads the SQS queue the bucket must notify for ${r.prefix}/${t.path}/ (bucketNotification).` }));
  }
  return steps;
}

function tasks(r: ResolvedSetup): PlanStep[] {
  return r.tables.flatMap((t) => [
    // A task must be suspended before it is replaced (docs.snowflake.com/en/sql-reference/sql/alter-task).
    step({ phase: 'tasks', type: 'TASK', name: t.task, action: 'suspend', node: { kind: 'alter', objectType: 'TASK', name: t.task, ifExists: true, action: { keyword: 'SUSPEND' } }, description: `Suspends ${t.task.name} if it exists, so it can be replaced.` }),
    // OR REPLACE keeps the task's SQL in step with the code; a task holds no data or history floe needs.
    step({ phase: 'tasks', type: 'TASK', name: t.task, node: taskNode(r, t), description: `Task merging ${t.stream.name} into ${mergedTables(t).join(', ')} in one transaction on CRON ${t.schedule.cron} ${t.schedule.timeZone}.` }),
  ]);
}

function grants(r: ResolvedSetup): PlanStep[] {
  const loader = r.config.loader;
  if (loader === undefined) return [];
  const steps = loaderGrants(r, loader.role).map((g) => {
    const on = g.on.type === 'ACCOUNT' ? { name: 'ACCOUNT' } : g.on.name;
    return step({ phase: 'grants', type: 'GRANT', name: on, action: `${g.privileges.join('-').toLowerCase()}-to-${normaliseName(loader.role)}`, node: g, description: `${g.privileges.join(', ')} on ${g.on.type.toLowerCase()} for ${loader.role}.` });
  });
  if (loader.user !== undefined) {
    steps.push(step({ phase: 'grants', type: 'USER', name: { name: loader.user }, action: `role-${normaliseName(loader.role)}`, node: { kind: 'grantRole', role: loader.role, toUser: loader.user }, description: `Gives ${loader.role} to ${loader.user}.` }));
  }
  return steps;
}

function resume(r: ResolvedSetup): PlanStep[] {
  return r.tables.flatMap((t) => [
    // A pipe paused by teardown (or by hand) would silently queue files; unpausing is a no-op otherwise.
    step({ phase: 'resume', type: 'PIPE', name: t.pipe, action: 'unpause', node: { kind: 'alter', objectType: 'PIPE', name: t.pipe, ifExists: false, action: { set: [opt('PIPE_EXECUTION_PAUSED', bool(false))] } }, description: `Makes sure ${t.pipe.name} is running.` }),
    // Tasks are created suspended; each is a root with no children, so resuming it is the whole graph.
    step({ phase: 'resume', type: 'TASK', name: t.task, action: 'resume', node: { kind: 'alter', objectType: 'TASK', name: t.task, ifExists: false, action: { keyword: 'RESUME' } }, description: `Starts ${t.task.name} on its schedule.` }),
  ]);
}

/**
 * The whole Snowflake setup as ordered steps: bootstrap (warehouse, database, schema, role),
 * integration (+ DESC for the trust policy), objects (file format, stage, then per table: landing,
 * stream, tables, pipe, DESC PIPE for the bucket notification), tasks, grants, resume. Every step
 * can run again without changing anything. Throws `SnowflakeDdlError` on an invalid config.
 */
export function planSetup(config: FloeSnowflakeSetup): SetupPlan {
  const r = resolveSetup(config);
  return { steps: [...bootstrap(r), ...integration(r), ...objects(r), ...tasks(r), ...grants(r), ...resume(r)] };
}
