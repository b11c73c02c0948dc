import type { CreateTableNode } from '../sql/nodes.js';
import { opt, str } from '../sql/nodes.js';
import { defaultCompiler as c } from '../sql/sql-compiler.js';
import { t, type SnowflakeType } from '../types/snowflake-type.js';
import type { StarSources } from './scd2-dimension.js';
import type { ResolvedDateDimension, ResolvedStar } from './star-resolve.js';

const id = (n: string): string => c.ident(n);

/** `YYYYMMDD` as a number from a DATE expression (the date dimension's key). */
export function dateKey(day: string): string {
  return `(YEAR(${day}) * 10000 + MONTH(${day}) * 100 + DAYOFMONTH(${day}))`;
}

/** The calendar attributes, ISO weeks (Monday = 1): no names, so nothing depends on a session's language or WEEK_START. */
const ATTRIBUTES: ReadonlyArray<readonly [string, SnowflakeType, (day: string) => string]> = [
  ['YEAR', t.number(4, 0), (d) => `YEAR(${d})`],
  ['QUARTER', t.number(1, 0), (d) => `QUARTER(${d})`],
  ['MONTH', t.number(2, 0), (d) => `MONTH(${d})`],
  ['DAY_OF_MONTH', t.number(2, 0), (d) => `DAYOFMONTH(${d})`],
  ['DAY_OF_WEEK_ISO', t.number(1, 0), (d) => `DAYOFWEEKISO(${d})`],
  ['WEEK_OF_YEAR_ISO', t.number(2, 0), (d) => `WEEKISO(${d})`],
  ['IS_WEEKEND', t.boolean(), (d) => `DAYOFWEEKISO(${d}) >= 6`],
];

export function dateTableNode(dd: ResolvedDateDimension): CreateTableNode {
  return {
    kind: 'createTable',
    name: dd.name,
    columns: [
      { name: dd.key, type: { name: 'NUMBER', precision: 8, scale: 0 }, nullable: false },
      { name: 'CALENDAR_DATE', type: { name: 'DATE' }, nullable: false },
      ...ATTRIBUTES.map(([name, type]) => ({ name, type, nullable: false })),
    ],
    options: [opt('COMMENT', str(dd.spec.comment ?? 'floe: one row per business date that has a fact'))],
  };
}

/** Adds the business days of the change rows that the date dimension does not have yet (insert only: a day never changes). */
export function dateInsertSql(star: ResolvedStar, dd: ResolvedDateDimension, from: StarSources): string {
  const day = `n.${id('_FLOE_DAY')}`;
  return [
    `INSERT INTO ${c.qualified(dd.name)} (${[dd.key, 'CALENDAR_DATE', ...ATTRIBUTES.map(([n]) => n)].map(id).join(', ')})`,
    `SELECT ${[dateKey(day), day, ...ATTRIBUTES.map(([, , f]) => f(day))].join(', ')}`,
    `FROM (SELECT DISTINCT CAST(chg.${id(star.businessDate.name)} AS DATE) AS ${id('_FLOE_DAY')} FROM ${c.qualified(from.changes)} AS chg) AS n`,
    `WHERE NOT EXISTS (SELECT 1 FROM ${c.qualified(dd.name)} AS have WHERE have.${id('CALENDAR_DATE')} = ${day})`,
  ].join('\n');
}
