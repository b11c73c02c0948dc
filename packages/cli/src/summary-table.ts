import Table from 'cli-table3';

/** A plain table for the end-of-command summary (no colours: logs and terminals read the same). */
export function renderTable(head: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const table = new Table({ head: [...head], style: { head: [], border: [] } });
  for (const r of rows) table.push(r.map((c) => String(c)));
  return table.toString();
}
