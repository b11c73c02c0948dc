import type { CreateTableNode, MergeNode } from '../sql/nodes.js';
import { opt, str } from '../sql/nodes.js';
import { defaultCompiler as c } from '../sql/sql-compiler.js';
import { dateKey } from './date-dimension.js';
import { businessDay, touchedBy, type StarSources } from './scd2-dimension.js';
import type { ResolvedStar } from './star-resolve.js';
import { SCD2_COLUMNS } from './star-spec.js';

const id = (n: string): string => c.ident(n);

/** The fact table: grain, date key, one surrogate key per dimension (all NOT NULL), then the copied columns. */
export function factTableNode(star: ResolvedStar): CreateTableNode {
  const f = star.fact;
  return {
    kind: 'createTable',
    name: f.name,
    columns: [
      ...f.grain.map((g) => ({ name: g.name, type: g.type, nullable: false })),
      ...(star.date ? [{ name: star.date.key, type: { name: 'NUMBER' as const, precision: 8, scale: 0 }, nullable: false }] : []),
      ...star.dimensions.map((d) => ({ name: d.surrogateKey, type: { name: 'VARCHAR' as const, length: 64 }, nullable: false })),
      ...f.columns.map((col) => ({ name: col.name, type: col.type, nullable: true })),
    ],
    options: [opt('COMMENT', str(f.spec.comment ?? `floe: one row per (${f.grain.map((g) => g.name).join(', ')}), with the dimension versions valid on its business date`))],
  };
}

/**
 * The fact rows to recompute: every consolidated row of a member the change rows name (not only the
 * changed rows: a late change can split a version that older facts point at), joined to the version
 * valid on its business date. LEFT JOINs, so a row without a version reaches the NOT NULL key and
 * fails the task loudly instead of disappearing.
 */
export function factSourceSql(star: ResolvedStar, from: StarSources): string {
  const f = star.fact;
  const day = businessDay(star, 'src');
  const joins = star.dimensions.map((d, i) => {
    const a = id(`D${i + 1}`);
    const onKey = d.naturalKey.map((k) => `${a}.${id(k.name)} = src.${id(k.name)}`).join(' AND ');
    return `LEFT JOIN ${c.qualified(d.name)} AS ${a} ON ${onKey} AND ${a}.${id(SCD2_COLUMNS.validFrom)} <= ${day} AND ${day} < ${a}.${id(SCD2_COLUMNS.validTo)}`;
  });
  const touched = star.dimensions.length > 0
    ? star.dimensions.map((d) => touchedBy(from.changes, d.naturalKey.map((k) => k.name), 'src'))
    : [touchedBy(from.changes, f.grain.map((g) => g.name), 'src')];
  return [
    'SELECT',
    [
      ...f.grain.map((g) => `  src.${id(g.name)}`),
      ...(star.date ? [`  ${dateKey(day)} AS ${id(star.date.key)}`] : []),
      ...star.dimensions.map((d, i) => `  ${id(`D${i + 1}`)}.${id(d.surrogateKey)} AS ${id(d.surrogateKey)}`),
      ...f.columns.map((col) => `  src.${id(col.name)}`),
    ].join(',\n'),
    `FROM ${c.qualified(from.consolidated)} AS src`,
    ...joins,
    `WHERE ${touched.join('\n   OR ')}`,
  ].join('\n');
}

/** MERGE by grain; a row is updated only when a value differs (NULL-safe), so a re-delivered day changes nothing. */
export function factMerge(star: ResolvedStar, from: StarSources): MergeNode {
  const f = star.fact;
  const grain = f.grain.map((g) => g.name);
  const columns = [...grain, ...(star.date ? [star.date.key] : []), ...star.dimensions.map((d) => d.surrogateKey), ...f.columns.map((col) => col.name)];
  const nonKeys = columns.filter((x) => !grain.includes(x));
  return {
    kind: 'merge',
    target: f.name,
    source: factSourceSql(star, from),
    keys: grain,
    columns,
    ...(nonKeys.length > 0 ? { matchedCondition: `NOT (${nonKeys.map((x) => `EQUAL_NULL(t.${id(x)}, s.${id(x)})`).join(' AND ')})` } : {}),
  };
}
