import type { CreateTableNode } from '../sql/nodes.js';
import { defaultCompiler as c } from '../sql/sql-compiler.js';
import { resolveSetup, type FloeSnowflakeSetup, type ResolvedTable } from '../setup/setup-config.js';
import { dateInsertSql, dateTableNode } from './date-dimension.js';
import { factMerge, factTableNode } from './fact-table.js';
import { businessDay, scd2DeleteSql, scd2Merge, scd2TableNode, type StarSources } from './scd2-dimension.js';
import type { ResolvedStar } from './star-resolve.js';
import { END_OF_TIME, SCD2_COLUMNS } from './star-spec.js';

const id = (n: string): string => c.ident(n);

/** The star's tables, in creation order: dimensions, date dimension, fact. */
export function starTableNodes(star: ResolvedStar): CreateTableNode[] {
  return [...star.dimensions.map(scd2TableNode), ...(star.date ? [dateTableNode(star.date)] : []), factTableNode(star)];
}

/** Every table of the star, for descriptions and teardown. */
export function starTableNames(star: ResolvedStar): string[] {
  return [...star.dimensions.map((d) => d.name.name), ...(star.date ? [star.date.name.name] : []), star.fact.name.name];
}

/**
 * The statements that bring the star up to date, compiled, in order: per dimension DELETE the
 * versions that no longer exist, then MERGE the recomputed ones; add the new days; MERGE the facts
 * (they read the dimensions just written). In the task they run after the consolidated MERGE, in
 * the same transaction, so they see its result and the same stream rows.
 */
export function starStatements(star: ResolvedStar, from: StarSources): string[] {
  return [
    ...star.dimensions.flatMap((d) => [scd2DeleteSql(star, d, from), c.compile(scd2Merge(star, d, from))]),
    ...(star.date ? [dateInsertSql(star, star.date, from)] : []),
    c.compile(factMerge(star, from)),
  ];
}

function starTable(config: FloeSnowflakeSetup): { table: ResolvedTable; star: ResolvedStar }[] {
  return resolveSetup(config).tables.flatMap((table) => (table.star ? [{ table, star: table.star }] : []));
}

/**
 * One-off statements that build the whole star from the consolidated table (every member counts as
 * changed): for a star added to a setup whose tables already hold data. Run them in one transaction
 * while the task is suspended; afterwards the task keeps the star up to date from the stream.
 */
export function planStarBackfill(config: FloeSnowflakeSetup): string[] {
  return starTable(config).flatMap(({ table, star }) => starStatements(star, { consolidated: table.target, changes: table.target }));
}

/** A query returning one number: 0 when the invariant holds. */
export interface StarCheck {
  readonly table: string;
  readonly check: string;
  readonly sql: string;
}

/**
 * SQL checks of the star's invariants, each returning a count of violations (0 = holds): per
 * dimension no overlapping validity, exactly one current version per member (the one ending at
 * 9999-12-31) and no gap between consecutive versions; per fact row exactly one dimension
 * version, valid on its business date; no fact without its date; one fact per consolidated row.
 */
export function starChecks(config: FloeSnowflakeSetup): StarCheck[] {
  return starTable(config).flatMap(({ table, star }) => {
    const checks: StarCheck[] = [];
    const fact = c.qualified(star.fact.name);
    const [from, to, current] = [id(SCD2_COLUMNS.validFrom), id(SCD2_COLUMNS.validTo), id(SCD2_COLUMNS.isCurrent)];
    for (const d of star.dimensions) {
      const dim = c.qualified(d.name);
      const nk = d.naturalKey.map((k) => id(k.name));
      const sameMember = nk.map((k) => `a.${k} = b.${k}`).join(' AND ');
      const sk = id(d.surrogateKey);
      checks.push(
        { table: d.name.name, check: 'no overlapping validity per natural key', sql: `SELECT COUNT(*) FROM ${dim} AS a JOIN ${dim} AS b ON ${sameMember} AND a.${sk} <> b.${sk} WHERE a.${from} < b.${to} AND b.${from} < a.${to}` },
        { table: d.name.name, check: 'every version starts before it ends', sql: `SELECT COUNT(*) FROM ${dim} WHERE NOT (${from} < ${to})` },
        { table: d.name.name, check: 'exactly one current version per natural key, the one open to the end of time', sql: `SELECT COUNT(*) FROM (SELECT ${nk.join(', ')} FROM ${dim} GROUP BY ${nk.join(', ')} HAVING SUM(CASE WHEN ${current} THEN 1 ELSE 0 END) <> 1 OR SUM(CASE WHEN ${current} AND ${to} = CAST(${c.literal(END_OF_TIME)} AS DATE) THEN 1 ELSE 0 END) <> 1) AS x` },
        { table: d.name.name, check: 'consecutive versions are adjacent (no gap)', sql: `SELECT COUNT(*) FROM (SELECT ${to} AS ${id('ENDS')}, LEAD(${from}) OVER (PARTITION BY ${nk.join(', ')} ORDER BY ${from}) AS ${id('NEXT_STARTS')} FROM ${dim}) AS x WHERE ${id('NEXT_STARTS')} IS NOT NULL AND ${id('NEXT_STARTS')} <> ${id('ENDS')}` },
        {
          table: star.fact.name.name,
          check: `every fact has exactly one ${d.name.name} version, valid on its business date`,
          // A join and a count, not a correlated scalar subquery (Snowflake accepts only simple ones).
          sql: [
            `SELECT COUNT(*) FROM (SELECT COUNT(d.${sk}) AS ${id('VERSIONS')}`,
            `  FROM ${fact} AS f`,
            `  JOIN ${c.qualified(table.target)} AS src ON ${star.fact.grain.map((g) => `src.${id(g.name)} = f.${id(g.name)}`).join(' AND ')}`,
            `  LEFT JOIN ${dim} AS d ON d.${sk} = f.${sk} AND ${d.naturalKey.map((k) => `d.${id(k.name)} = src.${id(k.name)}`).join(' AND ')} AND d.${from} <= ${businessDay(star, 'src')} AND ${businessDay(star, 'src')} < d.${to}`,
            `  GROUP BY ${star.fact.grain.map((g) => `f.${id(g.name)}`).join(', ')}) AS x`,
            `WHERE ${id('VERSIONS')} <> 1`,
          ].join('\n'),
        },
      );
    }
    if (star.date) {
      const key = id(star.date.key);
      checks.push({ table: star.fact.name.name, check: `every fact has its ${star.date.name.name} row`, sql: `SELECT COUNT(*) FROM ${fact} AS f WHERE NOT EXISTS (SELECT 1 FROM ${c.qualified(star.date.name)} AS d WHERE d.${key} = f.${key})` });
    }
    const sameRow = star.fact.grain.map((g) => `f.${id(g.name)} = src.${id(g.name)}`).join(' AND ');
    checks.push({
      table: star.fact.name.name,
      check: `exactly one fact per ${table.target.name} row`,
      sql: `SELECT (SELECT COUNT(*) FROM ${c.qualified(table.target)} AS src WHERE NOT EXISTS (SELECT 1 FROM ${fact} AS f WHERE ${sameRow})) + (SELECT COUNT(*) FROM ${fact} AS f WHERE NOT EXISTS (SELECT 1 FROM ${c.qualified(table.target)} AS src WHERE ${sameRow}))`,
    });
    return checks;
  });
}

/** A count query per star table: `ROWS_TOTAL`, and `ROWS_CURRENT` for the SCD2 dimensions (what `floe demo` prints). */
export function starCountQueries(config: FloeSnowflakeSetup): { readonly table: string; readonly sql: string }[] {
  return starTable(config).flatMap(({ star }) => [
    ...star.dimensions.map((d) => ({ table: d.name.name, sql: `SELECT COUNT(*) AS ${id('ROWS_TOTAL')}, SUM(CASE WHEN ${id(SCD2_COLUMNS.isCurrent)} THEN 1 ELSE 0 END) AS ${id('ROWS_CURRENT')} FROM ${c.qualified(d.name)}` })),
    ...(star.date ? [{ table: star.date.name.name, sql: `SELECT COUNT(*) AS ${id('ROWS_TOTAL')} FROM ${c.qualified(star.date.name)}` }] : []),
    { table: star.fact.name.name, sql: `SELECT COUNT(*) AS ${id('ROWS_TOTAL')} FROM ${c.qualified(star.fact.name)}` },
  ]);
}
