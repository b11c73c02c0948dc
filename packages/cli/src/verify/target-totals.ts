import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import type { FloeError } from '@floe/core';
import type { FloeConfig, SnowflakeSession } from '../context.js';
import { canonicalDecimal } from './decimal.js';
import { tableChecks } from './verify-days.js';

/** One Snowflake table's row count and sums (exact decimal text), over all its rows. */
export interface TargetTotals {
  readonly table: string;
  readonly rows: string;
  readonly sums: Readonly<Record<string, string>>;
}

/** Counts and sums of every Snowflake table floe builds (the consolidated and derived tables). */
export function targetTotals(config: FloeConfig, session: SnowflakeSession): ResultAsync<TargetTotals[], FloeError> {
  const sf = config.snowflake;
  if (!sf) return okAsync([]);
  const work = async (): Promise<TargetTotals[] | FloeError> => {
    const out: TargetTotals[] = [];
    for (const t of config.tables) {
      if (t.window.kind !== 'day') continue;
      const planned = await tableChecks(config, sf, { ...t, window: t.window });
      if (planned.isErr()) return planned.error;
      for (const check of planned.value.checks) {
        const cols = check.measures.map((m, i) => `CAST(${m.snowflake} AS VARCHAR) AS "M${i}"`).join(', ');
        const rows = await session.query<Record<string, unknown>>(`SELECT ${cols} FROM ${check.from}`, [], { object: check.table });
        if (rows.isErr()) return rows.error;
        const r = rows.value[0] ?? {};
        const sums: Record<string, string> = {};
        let count = '0';
        check.measures.forEach((m, i) => {
          const v = canonicalDecimal(r[`M${i}`] as string | null | undefined);
          if (m.name === 'rows') count = v;
          else sums[m.name] = v;
        });
        out.push({ table: check.table, rows: count, sums });
      }
    }
    return out;
  };
  return ResultAsync.fromSafePromise(work()).andThen((r) => (Array.isArray(r) ? okAsync(r) : errAsync(r)));
}
