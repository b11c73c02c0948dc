/**
 * A star schema kept by the merge task, declared as plain data: SCD type 2 dimensions (natural key
 * + tracked columns), an optional date dimension, and one fact table at the source table's grain.
 * Every name is a column of the source table, so another data set declares its own star the same
 * way the sales example does (`examples/sales/src/star-preset.ts`).
 */

/**
 * A slowly changing dimension of type 2: one row per version of a member. A version is a run of
 * consecutive business dates (see {@link StarSchemaSpec.businessDate}) on which the member's
 * tracked values were the same; a change of any tracked value opens a new version.
 */
export interface Scd2DimensionSpec {
  /** Table name, e.g. `dim_customer` (becomes `"DIM_CUSTOMER"`). */
  readonly name: string;
  /** Source columns that identify a member (e.g. `customername`); they must be NOT NULL in the source. */
  readonly naturalKey: readonly string[];
  /** Source columns whose change opens a new version (e.g. the address lines). */
  readonly tracked: readonly string[];
  /** Name of the surrogate key column, in the dimension and in the fact table (default `<name>_sk`). */
  readonly surrogateKey?: string;
  readonly comment?: string;
}

/** A calendar dimension: one row per business date that has a fact. */
export interface DateDimensionSpec {
  /** Table name, e.g. `dim_date`. */
  readonly name: string;
  /** Its key column, `YYYYMMDD` as a number, in the dimension and in the fact table (default `date_key`). */
  readonly key?: string;
  readonly comment?: string;
}

/** The fact table: one row per source row (the grain), pointing at the dimension versions valid on its business date. */
export interface FactTableSpec {
  /** Table name, e.g. `fact_sales`. */
  readonly name: string;
  /** Source columns identifying a fact row (default: the table's keys). */
  readonly grain?: readonly string[];
  /** Source columns copied as they are: measures and degenerate dimensions (e.g. `sales`, `status`). */
  readonly columns: readonly string[];
  readonly comment?: string;
}

/** A star schema built from one source table, in the same task transaction as its consolidated table. */
export interface StarSchemaSpec {
  /**
   * The source column whose date decides which version a row belongs to: business time, not load
   * time (e.g. `orderdate`). DATE or TIMESTAMP, NOT NULL in the source. Versions are valid for
   * whole days: `VALID_FROM` is the first date a version's values were seen.
   */
  readonly businessDate: string;
  readonly dimensions: readonly Scd2DimensionSpec[];
  readonly dateDimension?: DateDimensionSpec;
  readonly fact: FactTableSpec;
}

/** Columns every SCD2 dimension carries besides its surrogate key, natural key and tracked columns. */
export const SCD2_COLUMNS = {
  validFrom: 'VALID_FROM',
  validTo: 'VALID_TO',
  isCurrent: 'IS_CURRENT',
  trackedHash: 'TRACKED_HASH',
} as const;

/** `VALID_TO` of a current version: validity is `VALID_FROM <= date < VALID_TO`, so the end of time stays a plain comparison. */
export const END_OF_TIME = '9999-12-31';
