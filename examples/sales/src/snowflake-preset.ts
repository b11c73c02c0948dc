import { t, type DerivedTableSpec, type FloeSnowflakeSetup } from '@floe/snowflake-ddl';
import { SALES_TABLE } from './schema.js';

/** Per-order attributes: the same on every line of an order in this data set. */
const ORDER_ATTRIBUTES = [
  'status', 'customername', 'phone', 'addressline1', 'addressline2', 'city', 'state', 'postalcode',
  'country', 'territory', 'contactlastname', 'contactfirstname',
] as const;

/**
 * INVOICES: one row per order, recomputed from SALES (one row per order line, latest run) for every
 * order a delivery touched, so a line delivered again or changed later updates its invoice.
 * Order attributes are taken with MAX(): they are constant per order, and MAX is deterministic
 * even if a source ever disagreed with itself.
 */
export const INVOICES: DerivedTableSpec = {
  name: 'invoices',
  comment: 'floe sales preset: one row per order (ORDERNUMBER), totals over its lines in SALES',
  keys: ['ordernumber'],
  columns: [
    { name: 'ordernumber', type: t.number(10, 0) },
    { name: 'orderdate', type: t.timestampNtz() },
    ...ORDER_ATTRIBUTES.map((name) => ({ name, type: t.varchar() })),
    { name: 'line_count', type: t.number(10, 0), nullable: false },
    { name: 'total_quantity', type: t.number(38, 0), nullable: false },
    { name: 'total_sales', type: t.number(38, 2), nullable: false },
    { name: '_floe_run_id', type: t.varchar(), nullable: false },
  ],
  select: ({ source, ident }) => [
    'SELECT',
    [
      `  x.${ident('ordernumber')}`,
      `  MAX(x.${ident('orderdate')}) AS ${ident('orderdate')}`,
      ...ORDER_ATTRIBUTES.map((a) => `  MAX(x.${ident(a)}) AS ${ident(a)}`),
      `  COUNT(*) AS ${ident('line_count')}`,
      `  SUM(x.${ident('quantityordered')}) AS ${ident('total_quantity')}`,
      `  SUM(x.${ident('sales')}) AS ${ident('total_sales')}`,
      `  MAX(x.${ident('_floe_run_id')}) AS ${ident('_floe_run_id')}`,
    ].join(',\n'),
    `FROM ${source} AS x`,
    `GROUP BY x.${ident('ordernumber')}`,
  ].join('\n'),
};

const ITEM_COLUMNS = [
  ['ordernumber', t.number(10, 0)],
  ['orderlinenumber', t.number(10, 0)],
  ['productcode', t.varchar()],
  ['productline', t.varchar()],
  ['quantityordered', t.number(10, 0)],
  ['priceeach', t.number(10, 2)],
  ['msrp', t.number(10, 2)],
  ['sales', t.number(12, 2)],
  ['dealsize', t.varchar()],
  ['_floe_run_id', t.varchar()],
] as const;

/** ITEMS: one row per order line, the product side of SALES. */
export const ITEMS: DerivedTableSpec = {
  name: 'items',
  comment: 'floe sales preset: one row per order line (ORDERNUMBER, ORDERLINENUMBER), product and amounts',
  keys: ['ordernumber', 'orderlinenumber'],
  columns: ITEM_COLUMNS.map(([name, type]) => ({ name, type, ...(name === '_floe_run_id' ? { nullable: false } : {}) })),
  select: ({ source, ident }) => ['SELECT', ITEM_COLUMNS.map(([name]) => `  x.${ident(name)}`).join(',\n'), `FROM ${source} AS x`].join('\n'),
};

/** What the sample configuration lets a caller change. */
export interface SalesSetupOptions {
  readonly format?: 'csv' | 'parquet';
  readonly database?: string;
  readonly schema?: string;
  readonly bucket?: string;
  readonly prefix?: string;
  readonly awsRoleArn?: string;
  readonly warehouse?: string;
}

/**
 * The sample configuration: PostgreSQL `public.sales` → `s3://<bucket>/<prefix>/sales/...` →
 * SALES_LANDING → SALES, INVOICES, ITEMS, merged daily at 03:00 UTC. Bucket and role are examples.
 */
export function salesSnowflakeSetup(options: SalesSetupOptions = {}): FloeSnowflakeSetup {
  return {
    database: options.database ?? 'FLOE',
    schema: options.schema ?? 'SALES',
    warehouse: { name: options.warehouse ?? 'FLOE_WH', create: true, size: 'XSMALL', autoSuspendSeconds: 60 },
    loader: { role: 'FLOE_LOADER', user: 'FLOE_SVC' },
    s3: { bucket: options.bucket ?? 'floe-staging-example', prefix: options.prefix ?? 'floe' },
    integration: { name: 'FLOE_S3', awsRoleArn: options.awsRoleArn ?? 'arn:aws:iam::123456789012:role/floe-snowflake-read' },
    format: options.format ?? 'csv',
    schedule: { cron: '0 3 * * *', timeZone: 'UTC' },
    tables: [{ source: SALES_TABLE, derived: [INVOICES, ITEMS] }],
  };
}
