import { defaultCompiler as c } from '../sql/sql-compiler.js';
import { kw, num, obj, opt, str, type CreateTableNode, type CreateTaskNode, type MergeNode } from '../sql/nodes.js';
import type { ResolvedDerived, ResolvedSetup, ResolvedTable } from './setup-config.js';
import { scheduleText } from './setup-config.js';
import { starStatements, starTableNames } from '../star/star-schema.js';

const CARRIED = ['_FLOE_RUN_ID', '_FLOE_FILE', '_FLOE_ROW', '_FLOE_LOADED_AT'] as const;

/** The consolidated table: one row per source key, the latest delivery's values. */
export function targetTableNode(t: ResolvedTable): CreateTableNode {
  return {
    kind: 'createTable',
    name: t.target,
    columns: [
      ...t.columns.map((col) => ({ name: col.name, type: col.type, nullable: !t.keys.includes(col.name) })),
      { name: '_FLOE_RUN_ID', type: { name: 'VARCHAR' }, nullable: false },
      { name: '_FLOE_FILE', type: { name: 'VARCHAR' }, nullable: false },
      { name: '_FLOE_ROW', type: { name: 'NUMBER', precision: 19, scale: 0 }, nullable: false },
      { name: '_FLOE_LOADED_AT', type: { name: 'TIMESTAMP_LTZ' }, nullable: false },
    ],
    options: [opt('COMMENT', str(`floe: ${t.setup.source.schema}.${t.setup.source.name}, one row per (${t.keys.join(', ')}), latest run wins`))],
  };
}

export function derivedTableNode(d: ResolvedDerived): CreateTableNode {
  return {
    kind: 'createTable',
    name: d.name,
    columns: d.spec.columns.map((col) => ({
      name: col.name,
      type: col.type,
      nullable: d.spec.keys.includes(col.name) ? false : (col.nullable ?? true),
      ...(col.comment !== undefined ? { comment: col.comment } : {}),
    })),
    options: [opt('COMMENT', str(d.spec.comment ?? `floe: derived from ${d.name.name}`))],
  };
}

/**
 * The stream's rows, one per key: the greatest run id wins, and within a run the last row of the
 * file (conventions). A day delivered twice before the task runs therefore counts once.
 */
export function consolidatedMerge(t: ResolvedTable): MergeNode {
  const cols = [...t.columns.map((col) => col.name), ...CARRIED];
  const source = [
    'SELECT',
    cols.map((n) => `  ${c.ident(n)}`).join(',\n'),
    `FROM ${c.qualified(t.stream)}`,
    `QUALIFY ROW_NUMBER() OVER (PARTITION BY ${t.keys.map((k) => c.ident(k)).join(', ')} ORDER BY ${c.ident('_FLOE_RUN_ID')} DESC, ${c.ident('_FLOE_ROW')} DESC) = 1`,
  ].join('\n');
  return {
    kind: 'merge',
    target: t.target,
    source,
    keys: t.keys,
    columns: cols,
    // Latest delivery wins: an older run re-delivered late never overwrites newer values.
    matchedCondition: `s.${c.ident('_FLOE_RUN_ID')} >= t.${c.ident('_FLOE_RUN_ID')}`,
  };
}

/** The consolidated rows whose derived keys the stream touched (every line of a touched order, not only the new lines). */
export function touchedRows(t: ResolvedTable, d: ResolvedDerived): string {
  const match = d.spec.keys.map((k) => `d.${c.ident(k)} = c.${c.ident(k)}`).join(' AND ');
  return `(\n  SELECT *\n  FROM ${c.qualified(t.target)} AS c\n  WHERE EXISTS (SELECT 1 FROM ${c.qualified(t.stream)} AS d WHERE ${match})\n)`;
}

export function derivedMerge(t: ResolvedTable, d: ResolvedDerived): MergeNode {
  const select = d.spec.select({ source: touchedRows(t, d), ident: (n) => c.ident(n), literal: (s) => c.literal(s) });
  return { kind: 'merge', target: d.name, source: select.trim(), keys: d.spec.keys, columns: d.spec.columns.map((col) => col.name) };
}

/** Every table the task writes, in the order it writes them. */
export function mergedTables(t: ResolvedTable): string[] {
  return [t.target.name, ...t.derived.map((d) => d.name.name), ...(t.star ? starTableNames(t.star) : [])];
}

/**
 * One task per source table: on its CRON schedule, when the stream has rows, it MERGEs the
 * consolidated table and then every derived table in ONE transaction, so all statements read the
 * same stream rows and the stream's offset moves once, at COMMIT
 * (docs.snowflake.com/en/user-guide/streams-intro, "Repeatable read isolation").
 * CREATE TASK syntax and options: docs.snowflake.com/en/sql-reference/sql/create-task.
 */
export function taskNode(r: ResolvedSetup, t: ResolvedTable): CreateTaskNode {
  return {
    kind: 'createTask',
    name: t.task,
    options: [
      opt('WAREHOUSE', obj(r.warehouse)),
      opt('SCHEDULE', str(scheduleText(t.schedule))),
      opt('ALLOW_OVERLAPPING_EXECUTION', kw('FALSE')),
      opt('SUSPEND_TASK_AFTER_NUM_FAILURES', num(r.config.suspendTaskAfterFailures ?? 3)),
      opt('COMMENT', str(`floe: merges new ${t.landing.name} rows into ${mergedTables(t).join(', ')}`)),
    ],
    when: `SYSTEM$STREAM_HAS_DATA(${c.literal(c.qualified(t.stream))})`,
    transaction: [
      c.compile(consolidatedMerge(t)),
      ...t.derived.map((d) => c.compile(derivedMerge(t, d))),
      // The star reads the consolidated table just merged and the same stream rows.
      ...(t.star ? starStatements(t.star, { consolidated: t.target, changes: t.stream }) : []),
    ],
  };
}
