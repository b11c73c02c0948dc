import type { SourceTable } from '@floe/snowflake-ddl';
import type { TableConfig } from '../context.js';
import { isSalesPreset } from '../presets.js';
import { ident } from '../sf-sql.js';
import type { TargetCheck } from './measures.js';

/**
 * Checks of the tables the sales preset derives: INVOICES (one row per order: orders, lines,
 * quantities and money per day) and ITEMS (one row per order line, dated through SALES, which
 * holds the order date). `qualify` turns a table name into its qualified Snowflake name; `day`
 * is the window column's day expression (INVOICES carries the order date too).
 */
export function presetChecks(table: TableConfig, source: SourceTable, qualify: (name: string) => string, consolidated: string, day: (alias?: string) => string): TargetCheck[] {
  if (!isSalesPreset(table, source)) return [];
  const i = (n: string) => ident(n);
  const keyJoin = source.primaryKey.map((k) => `i.${i(k)} = s.${i(k)}`).join(' AND ');
  return [
    {
      table: 'INVOICES',
      from: qualify('INVOICES'),
      snowflakeDay: day(),
      measures: [
        { name: 'rows', snowflake: 'COUNT(*)', postgres: 'count(DISTINCT "ordernumber")' },
        { name: 'sum(line_count)', snowflake: `SUM(${i('line_count')})`, postgres: 'count(*)' },
        { name: 'sum(total_quantity)', snowflake: `SUM(${i('total_quantity')})`, postgres: 'sum("quantityordered")' },
        { name: 'sum(total_sales)', snowflake: `SUM(${i('total_sales')})`, postgres: 'sum("sales")' },
      ],
    },
    {
      table: 'ITEMS',
      from: `${qualify('ITEMS')} AS i JOIN ${qualify(consolidated)} AS s ON ${keyJoin}`,
      snowflakeDay: day('s'),
      measures: [
        { name: 'rows', snowflake: 'COUNT(*)', postgres: 'count(*)' },
        { name: 'sum(quantityordered)', snowflake: `SUM(i.${i('quantityordered')})`, postgres: 'sum("quantityordered")' },
        { name: 'sum(priceeach)', snowflake: `SUM(i.${i('priceeach')})`, postgres: 'sum("priceeach")' },
        { name: 'sum(sales)', snowflake: `SUM(i.${i('sales')})`, postgres: 'sum("sales")' },
      ],
    },
  ];
}
