/**
 * Makes every statement that names a stream see all commits made before it: the statement is
 * intercepted, the base tables' high waters are re-measured, then it runs through the engine as
 * written (where `relation()` turns the stream into its pending rows, bounded by those high waters).
 */
import type { StatementHandler } from '../engine/extension.js';
import { tokenize } from '../engine/sql-tokenizer.js';
import { shortName } from './sql-text.js';
import type { StreamCatalog } from './stream-catalog.js';
import { INTERNAL_MARKER, measureHighWater } from './high-water.js';


/** A handler that refreshes high waters before a statement mentioning a stream, then delegates. */
export function streamReadHandler(catalog: StreamCatalog): StatementHandler {
  // Statements handed back to the engine: the next match of the same text passes them on. A count
  // per text (not a flag) stays correct when two sessions send the same statement at once.
  const passOn = new Map<string, number>();
  return {
    name: 'stream-read',
    matches(sql) {
      const pending = passOn.get(sql);
      if (pending !== undefined) {
        if (pending <= 1) passOn.delete(sql);
        else passOn.set(sql, pending - 1);
        return false;
      }
      const streams = catalog.list();
      if (streams.length === 0 || sql.includes(INTERNAL_MARKER) || /^(CREATE\s+(OR\s+REPLACE\s+)?(STREAM|TASK)|DROP\s+(STREAM|TASK)|SHOW|DESC|DESCRIBE|ALTER\s+(STREAM|TASK))\b/i.test(sql)) return false;
      const names = new Set(streams.map((s) => shortName(s.name)));
      try {
        return tokenize(sql).some((t) => (t.kind === 'word' && names.has(t.value.toUpperCase())) || (t.kind === 'qident' && names.has(t.value)));
      } catch {
        return false;
      }
    },
    async execute(ctx, sql, binds) {
      await catalog.refresh();
      if (ctx.session.inTransaction) await catalog.measureInTransaction(ctx, measureHighWater);
      passOn.set(sql, (passOn.get(sql) ?? 0) + 1);
      return ctx.sql(sql, binds);
    },
  };
}
