import { bool, opt, type DroppableType } from '../sql/nodes.js';
import type { ObjectName } from '../sql/identifiers.js';
import { resolveSetup, type FloeSnowflakeSetup } from '../setup/setup-config.js';
import type { PlanObjectType, PlanStep } from './plan-types.js';
import { step as setupStep } from './plan-setup.js';
import { starTableNodes } from '../star/star-schema.js';

export interface TeardownOptions {
  /** Keep the landing, consolidated and derived tables (default false: drop them). */
  readonly keepData?: boolean;
  /** Keep the storage integration, so the IAM trust policy stays valid (default false). */
  readonly keepIntegration?: boolean;
  /** Also drop the schema and database (default false; only when floe created them). */
  readonly dropDatabase?: boolean;
}

const asTeardown = (s: PlanStep): PlanStep => ({ ...s, id: s.id.replace(/^[a-z]+\//, 'teardown/'), phase: 'teardown' });

function drop(type: PlanObjectType, objectType: DroppableType, name: ObjectName, description: string): PlanStep {
  return asTeardown(setupStep({ phase: 'objects', type, name, action: 'drop', node: { kind: 'drop', objectType, name }, description }));
}

/**
 * The setup in reverse: stop the tasks and pipes first (nothing runs half-way), then drop tasks,
 * pipes, streams, tables, stage, file format, integration, role. Every statement uses IF EXISTS.
 */
export function planTeardown(config: FloeSnowflakeSetup, options: TeardownOptions = {}): { readonly steps: readonly PlanStep[] } {
  const r = resolveSetup(config);
  const steps: PlanStep[] = [];
  for (const t of [...r.tables].reverse()) {
    steps.push(asTeardown(setupStep({ phase: 'tasks', type: 'TASK', name: t.task, action: 'suspend', node: { kind: 'alter', objectType: 'TASK', name: t.task, ifExists: true, action: { keyword: 'SUSPEND' } }, description: `Stops ${t.task.name}.` })));
    steps.push(asTeardown(setupStep({ phase: 'objects', type: 'PIPE', name: t.pipe, action: 'pause', node: { kind: 'alter', objectType: 'PIPE', name: t.pipe, ifExists: true, action: { set: [opt('PIPE_EXECUTION_PAUSED', bool(true))] } }, description: `Stops ${t.pipe.name} loading.` })));
  }
  for (const t of [...r.tables].reverse()) {
    steps.push(drop('TASK', 'TASK', t.task, `Drops ${t.task.name}.`));
    steps.push(drop('PIPE', 'PIPE', t.pipe, `Drops ${t.pipe.name} (and its load history).`));
    if (options.keepData !== true) {
      for (const node of t.star ? starTableNodes(t.star).reverse() : []) steps.push(drop('TABLE', 'TABLE', node.name, `Drops ${node.name.name}.`));
      for (const d of [...t.derived].reverse()) steps.push(drop('TABLE', 'TABLE', d.name, `Drops ${d.name.name}.`));
      steps.push(drop('TABLE', 'TABLE', t.target, `Drops ${t.target.name}.`));
    }
    steps.push(drop('STREAM', 'STREAM', t.stream, `Drops ${t.stream.name}.`));
    if (options.keepData !== true) steps.push(drop('TABLE', 'TABLE', t.landing, `Drops ${t.landing.name}.`));
  }
  steps.push(drop('STAGE', 'STAGE', r.stage, `Drops ${r.stage.name} (the S3 objects stay).`));
  steps.push(drop('FILE FORMAT', 'FILE FORMAT', r.fileFormat, `Drops ${r.fileFormat.name}.`));
  if (options.keepIntegration !== true) steps.push(drop('INTEGRATION', 'STORAGE INTEGRATION', r.integration, `Drops ${r.integration.name}: the IAM role's trust policy no longer matches anything.`));
  if (config.loader !== undefined) steps.push(drop('ROLE', 'ROLE', { name: config.loader.role }, `Drops ${config.loader.role}.`));
  if (options.dropDatabase === true && (config.createDatabase ?? true)) {
    steps.push(drop('SCHEMA', 'SCHEMA', r.schema, `Drops schema ${r.schema.name} and anything left in it.`));
    steps.push(drop('DATABASE', 'DATABASE', r.database, `Drops database ${r.database.name} and anything left in it.`));
  }
  if (config.warehouse.create === true) steps.push(drop('WAREHOUSE', 'WAREHOUSE', r.warehouse, `Drops ${r.warehouse.name}.`));
  return { steps };
}
