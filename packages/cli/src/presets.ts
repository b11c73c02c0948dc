import { INVOICES, ITEMS, SALES_STAR } from '@floe/example-sales';
import type { DerivedTableSpec, SourceTable, StarSchemaSpec } from '@floe/snowflake-ddl';
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

/**
 * The star schema built from a configured table: the sales star (DIM_CUSTOMER, DIM_PRODUCT,
 * DIM_DATE, FACT_SALES) for the sales preset, when the source has every column it reads and its
 * natural keys and order date are NOT NULL (the generator refuses a nullable key); none otherwise.
 */
export function starSchemaFor(table: TableConfig, source: SourceTable): StarSchemaSpec | undefined {
  if (!isSalesPreset(table, source)) return undefined;
  const columns = new Map(source.columns.map((c) => [c.name, c]));
  const read = [SALES_STAR.businessDate, ...SALES_STAR.dimensions.flatMap((d) => [...d.naturalKey, ...d.tracked]), ...SALES_STAR.fact.columns];
  const notNull = [SALES_STAR.businessDate, ...SALES_STAR.dimensions.flatMap((d) => d.naturalKey)];
  return read.every((c) => columns.has(c)) && notNull.every((c) => columns.get(c)?.nullable === false) ? SALES_STAR : undefined;
}
