import type { ObjectName } from '../sql/identifiers.js';
import type { CreateTableNode, MergeNode } from '../sql/nodes.js';
import { opt, str } from '../sql/nodes.js';
import { defaultCompiler as c } from '../sql/sql-compiler.js';
import type { ResolvedScd2, ResolvedStar } from './star-resolve.js';
import { END_OF_TIME, SCD2_COLUMNS } from './star-spec.js';

/**
 * Where the star statements read: the consolidated table (one row per source key, latest run) and
 * the rows that say which members changed. In the task, `changes` is the landing table's stream; for
 * a one-off backfill it is the consolidated table itself (every member "changed").
 */
export interface StarSources {
  readonly consolidated: ObjectName;
  readonly changes: ObjectName;
}

const id = (n: string): string => c.ident(n);

/**
 * A hash of values that is NULL-safe and delimiter-safe: the values go into a JSON array (a SQL NULL
 * becomes JSON `null`, a string is quoted and escaped), so `('a,b', 'c')`, `('a', 'b,c')` and
 * `('a', NULL)` / `('a', 'null')` all hash differently. SHA-256 hex, 64 characters.
 */
export function valuesHash(exprs: readonly string[]): string {
  // ARRAY_CONSTRUCT keeps a SQL NULL as an "undefined" element; COALESCE to a JSON null makes the
  // text TO_JSON gives for it explicit (docs.snowflake.com/en/sql-reference/functions/array_construct).
  const items = exprs.map((e) => `COALESCE(TO_VARIANT(${e}), PARSE_JSON('null'))`);
  return `SHA2(TO_JSON(ARRAY_CONSTRUCT(${items.join(', ')})), 256)`;
}

/** `CAST(x."ORDERDATE" AS DATE)`: the business day of a row. */
export function businessDay(star: ResolvedStar, alias: string): string {
  return `CAST(${alias}.${id(star.businessDate.name)} AS DATE)`;
}

/** The members of `d` named by the change rows: `EXISTS (SELECT 1 FROM changes AS chg WHERE chg.k = <alias>.k ...)`. */
export function touchedBy(changes: ObjectName, keys: readonly string[], alias: string): string {
  return `EXISTS (SELECT 1 FROM ${c.qualified(changes)} AS chg WHERE ${keys.map((k) => `chg.${id(k)} = ${alias}.${id(k)}`).join(' AND ')})`;
}

/**
 * The dimension table: surrogate key, natural key, tracked columns, validity (`VALID_FROM` inclusive,
 * `VALID_TO` exclusive, `9999-12-31` for the current version), `IS_CURRENT`, and the hash of the
 * tracked values.
 */
export function scd2TableNode(d: ResolvedScd2): CreateTableNode {
  return {
    kind: 'createTable',
    name: d.name,
    columns: [
      { name: d.surrogateKey, type: { name: 'VARCHAR', length: 64 }, nullable: false },
      ...d.naturalKey.map((k) => ({ name: k.name, type: k.type, nullable: false })),
      ...d.tracked.map((k) => ({ name: k.name, type: k.type, nullable: true })),
      { name: SCD2_COLUMNS.validFrom, type: { name: 'DATE' }, nullable: false },
      { name: SCD2_COLUMNS.validTo, type: { name: 'DATE' }, nullable: false },
      { name: SCD2_COLUMNS.isCurrent, type: { name: 'BOOLEAN' }, nullable: false },
      { name: SCD2_COLUMNS.trackedHash, type: { name: 'VARCHAR', length: 64 }, nullable: false },
    ],
    // Column comments would say this per column; one table comment keeps the DDL portable.
    options: [opt('COMMENT', str(`${d.spec.comment ?? `floe: SCD type 2 dimension on (${d.naturalKey.map((k) => k.name).join(', ')}), versions by business date`}. Valid when ${SCD2_COLUMNS.validFrom} <= date < ${SCD2_COLUMNS.validTo} (${END_OF_TIME} = open); ${d.surrogateKey.toUpperCase()} = SHA-256 of the natural key and ${SCD2_COLUMNS.validFrom}; ${SCD2_COLUMNS.trackedHash} = SHA-256 of ${d.tracked.map((x) => x.name).join(', ')}`))],
  };
}

/**
 * Every version of the members the change rows name, recomputed from the consolidated table:
 * one observation per member and business day (on a day with two different values, the latest
 * delivery wins, then the greater hash, so the choice is deterministic), consecutive days with
 * the same tracked hash form one version (gaps and islands), a version's `VALID_TO` is the next
 * version's `VALID_FROM`. A late row for an older date therefore splits exactly the version it
 * falls in, and a re-delivered day reproduces the same versions and keys.
 */
export function scd2VersionsSql(star: ResolvedStar, d: ResolvedScd2, from: StarSources): string {
  const nk = d.naturalKey.map((k) => id(k.name));
  const tracked = d.tracked.map((k) => id(k.name));
  const byMember = nk.join(', ');
  const DAY = id('_FLOE_DAY');
  const HASH = id('_FLOE_HASH');
  const NEXT = id('_FLOE_NEXT');
  const VERSION = id('_FLOE_VERSION');
  // Nested derived tables rather than a WITH clause: the query sits inside MERGE ... USING (...)
  // and a DELETE's subquery, where a plain subquery is the form every engine accepts.
  const derivedFrom = (inner: string, alias: string): string[] => ['FROM (', inner.split('\n').map((l) => `  ${l}`).join('\n'), `) AS ${id(alias)}`];
  const seen = [
    `SELECT ${[...nk, ...tracked].map((x) => `src.${x}`).join(', ')}, src.${id('_FLOE_RUN_ID')},`,
    `  ${businessDay(star, 'src')} AS ${DAY},`,
    `  ${valuesHash(tracked.map((x) => `src.${x}`))} AS ${HASH}`,
    `FROM ${c.qualified(from.consolidated)} AS src`,
    `WHERE ${touchedBy(from.changes, d.naturalKey.map((k) => k.name), 'src')}`,
  ].join('\n');
  // One observation per member and day.
  const daily = ['SELECT *', ...derivedFrom(seen, 'SEEN'), `QUALIFY ROW_NUMBER() OVER (PARTITION BY ${byMember}, ${DAY} ORDER BY ${id('_FLOE_RUN_ID')} DESC, ${HASH} DESC) = 1`].join('\n');
  // 1 where the values differ from the member's previous observed day.
  const marked = [`SELECT ${id('DAILY')}.*, CASE WHEN LAG(${HASH}) OVER (PARTITION BY ${byMember} ORDER BY ${DAY}) = ${HASH} THEN 0 ELSE 1 END AS ${id('_FLOE_STARTS')}`, ...derivedFrom(daily, 'DAILY')].join('\n');
  // Running count of starts: the version number.
  const numbered = [`SELECT ${id('MARKED')}.*, SUM(${id('_FLOE_STARTS')}) OVER (PARTITION BY ${byMember} ORDER BY ${DAY} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS ${VERSION}`, ...derivedFrom(marked, 'MARKED')].join('\n');
  // Each version's first day...
  const firsts = ['SELECT *', ...derivedFrom(numbered, 'NUMBERED'), `QUALIFY ROW_NUMBER() OVER (PARTITION BY ${byMember}, ${VERSION} ORDER BY ${DAY}) = 1`].join('\n');
  // ... and the next version's first day.
  const spans = [`SELECT ${id('FIRSTS')}.*, LEAD(${DAY}) OVER (PARTITION BY ${byMember} ORDER BY ${DAY}) AS ${NEXT}`, ...derivedFrom(firsts, 'FIRSTS')].join('\n');
  return [
    'SELECT',
    `  ${valuesHash([...nk, DAY])} AS ${id(d.surrogateKey)},`,
    ...[...nk, ...tracked].map((x) => `  ${x},`),
    `  ${DAY} AS ${id(SCD2_COLUMNS.validFrom)},`,
    `  COALESCE(${NEXT}, CAST(${c.literal(END_OF_TIME)} AS DATE)) AS ${id(SCD2_COLUMNS.validTo)},`,
    `  ${NEXT} IS NULL AS ${id(SCD2_COLUMNS.isCurrent)},`,
    `  ${HASH} AS ${id(SCD2_COLUMNS.trackedHash)}`,
    ...derivedFrom(spans, 'SPANS'),
  ].join('\n');
}

/** Removes the versions of changed members that the recomputation no longer produces (a version whose start moved or merged away). */
export function scd2DeleteSql(star: ResolvedStar, d: ResolvedScd2, from: StarSources): string {
  const sk = id(d.surrogateKey);
  const indent = (s: string, by: string) => s.split('\n').map((l) => by + l).join('\n');
  return [
    `DELETE FROM ${c.qualified(d.name)}`,
    `WHERE ${sk} IN (`,
    `  SELECT dim.${sk}`,
    `  FROM ${c.qualified(d.name)} AS dim`,
    `  WHERE ${touchedBy(from.changes, d.naturalKey.map((k) => k.name), 'dim')}`,
    `  AND NOT EXISTS (SELECT 1 FROM (`,
    indent(scd2VersionsSql(star, d, from), '    '),
    `  ) AS v WHERE v.${sk} = dim.${sk})`,
    ')',
  ].join('\n');
}

/** Inserts new versions and updates the validity of existing ones; an unchanged version is not touched. */
export function scd2Merge(star: ResolvedStar, d: ResolvedScd2, from: StarSources): MergeNode {
  const changed = [SCD2_COLUMNS.validTo, SCD2_COLUMNS.isCurrent, SCD2_COLUMNS.trackedHash].map((x) => `t.${id(x)} <> s.${id(x)}`).join(' OR ');
  return {
    kind: 'merge',
    target: d.name,
    source: scd2VersionsSql(star, d, from),
    keys: [d.surrogateKey],
    columns: [d.surrogateKey, ...d.naturalKey.map((k) => k.name), ...d.tracked.map((k) => k.name), ...Object.values(SCD2_COLUMNS)],
    matchedCondition: `(${changed})`,
  };
}
