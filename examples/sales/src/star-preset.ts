import type { FloeSnowflakeSetup, StarSchemaSpec } from '@floe/snowflake-ddl';
import { salesSnowflakeSetup, type SalesSetupOptions } from './snowflake-preset.js';

/**
 * The sales star schema, kept by the SALES task next to INVOICES and ITEMS:
 * - DIM_CUSTOMER: SCD type 2 on CUSTOMERNAME; a new version when the phone, an address line, city,
 *   state, postal code, country, territory or a contact name changes.
 * - DIM_PRODUCT: SCD type 2 on PRODUCTCODE; a new version when PRODUCTLINE or MSRP changes.
 * - DIM_DATE: one row per order date.
 * - FACT_SALES: one row per order line (ORDERNUMBER, ORDERLINENUMBER) with the customer and product
 *   versions valid on its ORDERDATE (business time, not load time).
 */
export const SALES_STAR: StarSchemaSpec = {
  businessDate: 'orderdate',
  dimensions: [
    {
      name: 'dim_customer',
      naturalKey: ['customername'],
      tracked: ['phone', 'addressline1', 'addressline2', 'city', 'state', 'postalcode', 'country', 'territory', 'contactlastname', 'contactfirstname'],
      surrogateKey: 'customer_sk',
      comment: 'floe sales star: customers, one row per version (SCD type 2 by order date)',
    },
    {
      name: 'dim_product',
      naturalKey: ['productcode'],
      tracked: ['productline', 'msrp'],
      surrogateKey: 'product_sk',
      comment: 'floe sales star: products, one row per version (SCD type 2 by order date)',
    },
  ],
  dateDimension: { name: 'dim_date', key: 'date_key', comment: 'floe sales star: one row per order date' },
  fact: {
    name: 'fact_sales',
    columns: ['orderdate', 'quantityordered', 'priceeach', 'sales', 'status', 'dealsize'],
    comment: 'floe sales star: one row per order line, with the customer and product versions valid on its order date',
  },
};

/** The sample configuration ({@link salesSnowflakeSetup}) with the star schema added to the sales table's task. */
export function salesStarSetup(options: SalesSetupOptions = {}): FloeSnowflakeSetup {
  const base = salesSnowflakeSetup(options);
  return { ...base, tables: base.tables.map((t) => ({ ...t, star: SALES_STAR })) };
}
