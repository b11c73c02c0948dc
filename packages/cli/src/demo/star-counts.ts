import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import type { FloeError } from '@floe/core';
import { starCountQueries } from '@floe/snowflake-ddl';
import type { FloeConfig, SnowflakeSession } from '../context.js';
import { describeTables, snowflakeSetup } from '../provisioning.js';

/** One star schema table's row count; for an SCD2 dimension also its current versions (one per member). */
export interface StarCount {
  readonly table: string;
  readonly rows: string;
  readonly current?: string;
}

/**
 * Row counts of the star schema tables the config builds (DIM_CUSTOMER, DIM_PRODUCT, DIM_DATE,
 * FACT_SALES for the sales preset), read one query at a time on the session; [] when no table of
 * the config declares a star.
 */
export function starCounts(config: FloeConfig, session: SnowflakeSession): ResultAsync<StarCount[], FloeError> {
  return describeTables(config)
    .andThen((schemas) => {
      const setup = snowflakeSetup(config, schemas);
      return setup.isOk() ? okAsync(setup.value) : errAsync(setup.error);
    })
    .andThen((setup) => {
      const work = async (): Promise<StarCount[] | FloeError> => {
        const out: StarCount[] = [];
        for (const q of starCountQueries(setup)) {
          const rows = await session.query<Record<string, unknown>>(q.sql, [], { object: q.table });
          if (rows.isErr()) return rows.error;
          const r = rows.value[0] ?? {};
          const current = r['ROWS_CURRENT'];
          out.push({ table: q.table, rows: String(r['ROWS_TOTAL'] ?? '0'), ...(current !== undefined && current !== null ? { current: String(current) } : {}) });
        }
        return out;
      };
      return ResultAsync.fromSafePromise(work()).andThen((r) => (Array.isArray(r) ? okAsync(r) : errAsync(r)));
    });
}
