import { INVOICES, ITEMS } from '@floe/example-sales';
import type { DerivedTableSpec, SourceTable } from '@floe/snowflake-ddl';
import type { TableConfig } from './context.js';

/** Source columns the sales preset's INVOICES and ITEMS read. */
const SALES_PRESET_COLUMNS = ['ordernumber', 'orderlinenumber', 'orderdate', 'quantityordered', 'priceeach', 'sales', 'msrp', 'productcode', 'productline', 'dealsize', 'customername'];

/**
 * Whether the sales preset applies: the config table named `sales` (the data set floe is built
 * around) whose source has the columns the preset reads. The config file has no key for presets
 * yet, so this one rule decides; a table of another shape simply gets no derived tables.
 */
export function isSalesPreset(table: TableConfig, source: SourceTable): boolean {
  const names = new Set(source.columns.map((c) => c.name));
  return table.name === 'sales' && SALES_PRESET_COLUMNS.every((c) => names.has(c));
}

/** Tables derived from a configured table: INVOICES (one row per order) and ITEMS (one per line) for sales. */
export function derivedTablesFor(table: TableConfig, source: SourceTable): DerivedTableSpec[] {
  return isSalesPreset(table, source) ? [INVOICES, ITEMS] : [];
}
