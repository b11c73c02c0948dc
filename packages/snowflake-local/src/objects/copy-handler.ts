/** `COPY INTO <table>`: the bulk load statement, answered with Snowflake's per-file result rows. */
import type { StatementHandler } from '../engine/extension.js';
import { runCopy } from './copy-loader.js';
import { parseCopyStatement } from './copy-statement.js';
import type { ObjectsState } from './objects-state.js';
import { column, statusResult, table } from './result-rows.js';
import { notEmulated } from './snowflake-error.js';

const COPY = /^COPY\s+INTO\b/i;

export function copyHandlers(state: ObjectsState): StatementHandler[] {
  return [
    {
      name: 'copy-into-table',
      matches: (sql) => COPY.test(sql),
      async execute(ctx, sql) {
        const stmt = parseCopyStatement(sql);
        if (/^COPY\s+INTO\s+@/i.test(sql) || /^COPY\s+INTO\s+'/i.test(sql)) throw notEmulated('COPY INTO <location> (unload)');
        const results = await runCopy(ctx, state, stmt, { kind: 'bulk' });
        if (results.length === 0) return statusResult('Copy executed with 0 files processed.', 'copy');
        const cols = [
          column('file'),
          column('status'),
          column('rows_parsed', 'fixed'),
          column('rows_loaded', 'fixed'),
          column('error_limit', 'fixed'),
          column('errors_seen', 'fixed'),
          column('first_error'),
          column('first_error_line', 'fixed'),
          column('first_error_character', 'fixed'),
          column('first_error_column_name'),
        ];
        const n = (v: number | null): string | null => (v === null ? null : String(v));
        const rows = results.map((r) => [r.file, r.status, n(r.rowsParsed), n(r.rowsLoaded), n(r.errorLimit), n(r.errorsSeen), r.firstError, n(r.firstErrorLine), n(r.firstErrorCharacter), r.firstErrorColumnName]);
        return table('copy', cols, rows);
      },
    },
  ];
}
