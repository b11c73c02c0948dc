export { createSalesTable, SALES_COLUMNS, SALES_DDL, SALES_TABLE, type SalesColumn, type SqlClient } from './schema.js';
export { kaggleTimestamp, loadKaggleCsv, type LoadReport } from './kaggle-loader.js';
export { generateSalesRows, loadGeneratedSales, type GenerateSalesOptions, type SalesRow } from './generator.js';
export { copyCsvLine, type CopyClient } from './copy-csv.js';
export type { SalesError } from './sales-error.js';
export { INVOICES, ITEMS, salesSnowflakeSetup, type SalesSetupOptions } from './snowflake-preset.js';
export { SALES_STAR, salesStarSetup } from './star-preset.js';
