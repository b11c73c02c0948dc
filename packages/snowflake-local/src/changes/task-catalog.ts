/** Task definitions, their graph (AFTER edges) and the rules for changing it. */
import { compilationError, objectMissing } from '../objects/snowflake-error.js';
import { shortName, splitQualified } from './sql-text.js';
import type { TaskOptions } from './task-definition.js';

export type TaskState = 'started' | 'suspended';

export interface TaskDefinition {
  readonly name: string;
  readonly database: string;
  readonly schema: string;
  /** The user and role that created it: runs happen as them. */
  readonly ownerUser: string;
  readonly ownerRole: string;
  readonly createdOn: Date;
  options: TaskOptions;
  definition: string;
  state: TaskState;
  /** When it was last resumed (interval schedules count from it). */
  resumedAt: Date | undefined;
  /** The next scheduled run of a started root. */
  nextFire: Date | undefined;
  consecutiveFailures: number;
}

export class TaskCatalog {
  private readonly tasks = new Map<string, TaskDefinition>();

  get(name: string): TaskDefinition | undefined {
    return this.tasks.get(name);
  }

  require(name: string): TaskDefinition {
    const task = this.tasks.get(name);
    if (!task) throw objectMissing('Task', shortName(name));
    return task;
  }

  list(): TaskDefinition[] {
    return [...this.tasks.values()];
  }

  put(task: TaskDefinition): void {
    this.tasks.set(task.name, task);
  }

  delete(name: string): void {
    this.tasks.delete(name);
    // Snowflake turns the dropped task's children into roots of their own (or standalone tasks).
    for (const t of this.tasks.values()) t.options.predecessors = t.options.predecessors.filter((p) => p !== name);
  }

  /** The tasks that list `name` in AFTER. */
  children(name: string): TaskDefinition[] {
    return this.list().filter((t) => t.options.predecessors.includes(name));
  }

  /** The root of the graph `task` belongs to (itself for a root or standalone task). */
  rootOf(task: TaskDefinition): TaskDefinition {
    let current = task;
    const seen = new Set<string>();
    while (current.options.predecessors.length > 0) {
      if (seen.has(current.name)) throw compilationError(`Task graph of ${shortName(task.name)} has a cycle.`);
      seen.add(current.name);
      current = this.require(current.options.predecessors[0]!);
    }
    return current;
  }

  /** Every task reachable from `root` through AFTER edges, parents before children. */
  graphOrder(root: TaskDefinition): TaskDefinition[] {
    const reachable = new Set<string>([root.name]);
    const queue = [root.name];
    while (queue.length > 0) {
      for (const child of this.children(queue.shift()!)) {
        if (!reachable.has(child.name)) {
          reachable.add(child.name);
          queue.push(child.name);
        }
      }
    }
    const order: TaskDefinition[] = [];
    const placed = new Set<string>();
    while (order.length < reachable.size) {
      const before = order.length;
      for (const name of reachable) {
        if (placed.has(name)) continue;
        const t = this.require(name);
        if (t.options.predecessors.every((p) => placed.has(p) || !reachable.has(p))) {
          order.push(t);
          placed.add(name);
        }
      }
      if (order.length === before) throw compilationError(`Task graph of ${shortName(root.name)} has a cycle.`);
    }
    return order;
  }

  /** Snowflake refuses to change a graph (or resume/suspend one of its children) while its root runs on schedule. */
  assertGraphChangeable(task: TaskDefinition): void {
    const root = this.rootOf(task);
    if (root.state === 'started') {
      throw compilationError(`Unable to update graph with root task ${root.name} since that root task is not suspended.`, '091083', '22000');
    }
  }

  /** Checks new AFTER edges: predecessors exist, share the schema, no schedule on a child, one root. */
  validateEdges(name: string, predecessors: readonly string[], hasSchedule: boolean): void {
    if (predecessors.length === 0) return;
    if (hasSchedule) throw compilationError(`Task ${shortName(name)} has predecessors and a schedule: only the root task of a graph may have a SCHEDULE.`, '091091', '22000');
    const [db, schema] = splitQualified(name);
    const roots = new Set<string>();
    for (const p of predecessors) {
      if (p === name) throw compilationError(`Task ${shortName(name)} cannot be its own predecessor.`);
      const parent = this.require(p);
      if (parent.database !== db || parent.schema !== schema) throw compilationError(`Task ${shortName(name)} and its predecessor ${p} must be in the same schema.`);
      this.assertGraphChangeable(parent);
      roots.add(this.rootOf(parent).name);
    }
    if (roots.size > 1) throw compilationError(`Task ${shortName(name)} would belong to more than one task graph (${[...roots].join(', ')}).`);
  }
}
