import type { SourceTable } from '@floe/snowflake-ddl';

/**
 * `public.sales`: one row per order line of the Kaggle "Sample Sales Data" set, columns named like
 * its header in lower case. Money is numeric (exact), dates are timestamps (the file has no zone),
 * PHONE/POSTALCODE are text (leading zeros and letters matter), and `updated_at` lets a cursor
 * window pick up changed rows.
 */
export const SALES_DDL = `CREATE TABLE IF NOT EXISTS public.sales (
  ordernumber integer NOT NULL,
  quantityordered integer NOT NULL,
  priceeach numeric(10,2) NOT NULL,
  orderlinenumber integer NOT NULL,
  sales numeric(12,2) NOT NULL,
  orderdate timestamp NOT NULL,
  status text NOT NULL,
  qtr_id smallint NOT NULL,
  month_id smallint NOT NULL,
  year_id smallint NOT NULL,
  productline text NOT NULL,
  msrp numeric(10,2) NOT NULL,
  productcode text NOT NULL,
  customername text NOT NULL,
  phone text,
  addressline1 text,
  addressline2 text,
  city text,
  state text,
  postalcode text,
  country text,
  territory text,
  contactlastname text,
  contactfirstname text,
  dealsize text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (ordernumber, orderlinenumber)
)`;

/** The data columns in Kaggle header order (what loaders write; `updated_at` takes its default). */
export const SALES_COLUMNS = [
  'ordernumber', 'quantityordered', 'priceeach', 'orderlinenumber', 'sales', 'orderdate', 'status',
  'qtr_id', 'month_id', 'year_id', 'productline', 'msrp', 'productcode', 'customername', 'phone',
  'addressline1', 'addressline2', 'city', 'state', 'postalcode', 'country', 'territory',
  'contactlastname', 'contactfirstname', 'dealsize',
] as const;

export type SalesColumn = (typeof SALES_COLUMNS)[number];

const text = (name: string, nullable = true) => ({ name, pgType: 'text', baseType: 'text', isArray: false, nullable });
const int = (name: string, pgType: 'integer' | 'smallint', baseType: 'int4' | 'int2') => ({ name, pgType, baseType, isArray: false, nullable: false });
const money = (name: string, precision: number) => ({ name, pgType: `numeric(${precision},2)`, baseType: 'numeric', isArray: false, nullable: false, precision, scale: 2 });

/** The table as floe's extractor describes it from the catalog (kept in step with {@link SALES_DDL}). */
export const SALES_TABLE: SourceTable = {
  schema: 'public',
  name: 'sales',
  columns: [
    int('ordernumber', 'integer', 'int4'),
    int('quantityordered', 'integer', 'int4'),
    money('priceeach', 10),
    int('orderlinenumber', 'integer', 'int4'),
    money('sales', 12),
    { name: 'orderdate', pgType: 'timestamp without time zone', baseType: 'timestamp', isArray: false, nullable: false },
    text('status', false),
    int('qtr_id', 'smallint', 'int2'),
    int('month_id', 'smallint', 'int2'),
    int('year_id', 'smallint', 'int2'),
    text('productline', false),
    money('msrp', 10),
    text('productcode', false),
    text('customername', false),
    ...['phone', 'addressline1', 'addressline2', 'city', 'state', 'postalcode', 'country', 'territory', 'contactlastname', 'contactfirstname', 'dealsize'].map((n) => text(n)),
    { name: 'updated_at', pgType: 'timestamp with time zone', baseType: 'timestamptz', isArray: false, nullable: false },
  ],
  primaryKey: ['ordernumber', 'orderlinenumber'],
};

/** The part of a `pg` client these helpers call. */
export interface SqlClient {
  query(text: string): Promise<unknown>;
}

/** Creates `public.sales` if it does not exist. */
export async function createSalesTable(client: SqlClient): Promise<void> {
  await client.query(SALES_DDL);
}
