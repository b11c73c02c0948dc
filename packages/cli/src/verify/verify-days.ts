import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import { objectNames, type FloeError } from '@floe/core';
import type { SourceTable } from '@floe/snowflake-ddl';
import { jobFor, type FloeConfig, type SnowflakeSession, type TableConfig } from '../context.js';
import { qualified } from '../sf-sql.js';
import { openSource, type SourceClient } from '../source-client.js';
import { consolidatedCheck, dayExpressions, type TargetCheck } from './measures.js';
import { presetChecks } from './preset-checks.js';
import { reconcile, totals, type DayFigures, type Difference } from './reconcile.js';

/** The result of `floe verify` (and the demo's verify section). */
export interface VerifyReport {
  readonly from: string;
  readonly to: string;
  readonly days: number;
  /** Range totals per Snowflake table: PostgreSQL's expectation and Snowflake's figure. */
  readonly tables: ReadonlyArray<{ readonly table: string; readonly postgres: Record<string, string>; readonly snowflake: Record<string, string> }>;
  readonly differences: readonly Difference[];
}

/** The consolidated table a config table lands in (the `target` object name; default the upper-cased name). */
export function targetName(sf: NonNullable<FloeConfig['snowflake']>, table: TableConfig): string {
  const names = objectNames(sf, table) as { readonly target?: string };
  return names.target ?? table.name.toUpperCase();
}

function sourceRelation(table: TableConfig): string {
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  return 'query' in table.source ? `(${table.source.query}) AS floe_src` : `${q(table.source.schema)}.${q(table.source.table)}`;
}

function figures(rows: ReadonlyArray<Record<string, unknown>>, measures: readonly string[], dayKey: string, key: (i: number) => string): DayFigures {
  const out = new Map<string, Record<string, string>>();
  for (const r of rows) {
    const day = String(r[dayKey] ?? r[dayKey.toLowerCase()] ?? '').slice(0, 10);
    const f: Record<string, string> = {};
    measures.forEach((m, i) => {
      const v = r[key(i)] ?? r[key(i).toLowerCase()];
      f[m] = v === null || v === undefined ? '0' : String(v);
    });
    out.set(day, f);
  }
  return out;
}

function postgresFigures(pg: SourceClient, table: TableConfig, source: SourceTable, check: TargetCheck, from: string, to: string): ResultAsync<DayFigures, FloeError> {
  if (table.window.kind !== 'day') return okAsync(new Map());
  const day = dayExpressions(source, table.window.column, table.window.timeZone ?? 'UTC').postgres;
  // ::text keeps numeric sums exact: pg would otherwise hand them over as strings anyway, but
  // count(*) as bigint would not be; text for all keeps one path.
  const cols = check.measures.map((m, i) => `(${m.postgres})::text AS m${i}`).join(', ');
  const sql = `SELECT to_char(${day}, 'YYYY-MM-DD') AS day, ${cols} FROM ${sourceRelation(table)} WHERE ${day} BETWEEN $1::date AND $2::date GROUP BY 1`;
  return pg.query<Record<string, unknown>>(sql, [from, to]).map((rows) => figures(rows, check.measures.map((m) => m.name), 'day', (i) => `m${i}`));
}

function snowflakeFigures(session: SnowflakeSession, check: TargetCheck, from: string, to: string): ResultAsync<DayFigures, FloeError> {
  const cols = check.measures.map((m, i) => `CAST(${m.snowflake} AS VARCHAR) AS "M${i}"`).join(', ');
  const sql = `SELECT CAST(${check.snowflakeDay} AS VARCHAR) AS "D", ${cols} FROM ${check.from} WHERE ${check.snowflakeDay} BETWEEN CAST('${from}' AS DATE) AND CAST('${to}' AS DATE) GROUP BY 1`;
  return session.query<Record<string, unknown>>(sql, [], { object: check.table }).map((rows) => figures(rows, check.measures.map((m) => m.name), 'D', (i) => `M${i}`));
}

/** The Snowflake tables built from one day-window table, and what to compare on each. */
export function tableChecks(config: FloeConfig, sf: NonNullable<FloeConfig['snowflake']>, t: TableConfig & { window: { kind: 'day' } }): ResultAsync<{ source: SourceTable; checks: TargetCheck[] }, FloeError> {
  return jobFor(config, t.name)
    .andThen((job) => job.extractor.describe())
    .map((source) => {
      const day = (alias?: string) => dayExpressions(source, t.window.column, t.window.timeZone ?? 'UTC', alias).snowflake;
      const qualify = (name: string) => qualified(sf.database, sf.schema, name);
      const target = targetName(sf, t);
      return { source, checks: [consolidatedCheck(source, target, qualify(target), day()), ...presetChecks(t, source, qualify, target, day)] };
    });
}

/**
 * Reconciles every day of `days` (a contiguous, ordered range) of every day-window table: row
 * counts and exact sums in PostgreSQL against the consolidated Snowflake table and the tables
 * derived from it. Differences are listed per day, table and measure.
 */
export function verifyDays(config: FloeConfig, session: SnowflakeSession, days: readonly string[]): ResultAsync<VerifyReport, FloeError> {
  const sf = config.snowflake;
  const from = days[0];
  const to = days[days.length - 1];
  if (!sf || from === undefined || to === undefined) return okAsync({ from: from ?? '', to: to ?? '', days: 0, tables: [], differences: [] });
  const tables = config.tables.filter((t) => t.window.kind === 'day');
  return openSource(config).andThen((pg) => {
    const work = async (): Promise<VerifyReport | FloeError> => {
      const report: Array<VerifyReport['tables'][number]> = [];
      const differences: Difference[] = [];
      for (const t of tables) {
        if (t.window.kind !== 'day') continue;
        const planned = await tableChecks(config, sf, { ...t, window: t.window });
        if (planned.isErr()) return planned.error;
        const { source, checks } = planned.value;
        for (const check of checks) {
          const a = await postgresFigures(pg, t, source, check, from, to);
          if (a.isErr()) return a.error;
          const b = await snowflakeFigures(session, check, from, to);
          if (b.isErr()) return b.error;
          const measures = check.measures.map((m) => m.name);
          differences.push(...reconcile(days, { table: check.table, measures, postgres: a.value, snowflake: b.value }));
          report.push({ table: check.table, postgres: totals(days, measures, a.value), snowflake: totals(days, measures, b.value) });
        }
      }
      return { from, to, days: days.length, tables: report, differences };
    };
    return ResultAsync.fromSafePromise(work().finally(() => pg.end())).andThen((r) => ('kind' in r ? errAsync(r) : okAsync(r)));
  });
}
