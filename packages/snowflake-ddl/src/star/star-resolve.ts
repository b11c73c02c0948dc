import { configError } from '../errors.js';
import { assertNoCollisions, type ObjectName } from '../sql/identifiers.js';
import type { SourceTable } from '../source-schema.js';
import type { SnowflakeType } from '../types/snowflake-type.js';
import { SCD2_COLUMNS, type DateDimensionSpec, type FactTableSpec, type Scd2DimensionSpec, type StarSchemaSpec } from './star-spec.js';

/** A source column with its Snowflake type (as the landing and consolidated tables have it). */
export interface StarColumn {
  readonly name: string;
  readonly type: SnowflakeType;
}

export interface ResolvedScd2 {
  readonly spec: Scd2DimensionSpec;
  readonly name: ObjectName;
  readonly surrogateKey: string;
  readonly naturalKey: readonly StarColumn[];
  readonly tracked: readonly StarColumn[];
}

export interface ResolvedDateDimension {
  readonly spec: DateDimensionSpec;
  readonly name: ObjectName;
  readonly key: string;
}

export interface ResolvedFact {
  readonly spec: FactTableSpec;
  readonly name: ObjectName;
  readonly grain: readonly StarColumn[];
  readonly columns: readonly StarColumn[];
}

export interface ResolvedStar {
  readonly spec: StarSchemaSpec;
  readonly businessDate: StarColumn;
  readonly dimensions: readonly ResolvedScd2[];
  readonly date: ResolvedDateDimension | undefined;
  readonly fact: ResolvedFact;
}

const DATE_TYPES = new Set(['DATE', 'TIMESTAMP_NTZ', 'TIMESTAMP_LTZ', 'TIMESTAMP_TZ']);

/** The table the star is built from, as `resolveSetup` has it. */
export interface StarSource {
  readonly source: SourceTable;
  readonly columns: readonly StarColumn[];
  readonly keys: readonly string[];
}

/**
 * Checks a star spec against its source table and fills the defaults. Throws `SnowflakeDdlError`
 * (kind `config`) on the first problem, naming the star object and what to change.
 */
export function resolveStar(spec: StarSchemaSpec, from: StarSource, inSchema: (name: string) => ObjectName): ResolvedStar {
  const where = `star schema of ${from.source.schema}.${from.source.name}`;
  const byName = new Map(from.columns.map((c) => [c.name, c]));
  const sourceColumn = (name: string, object: string): StarColumn => {
    const c = byName.get(name);
    if (c === undefined) configError(`${object}: ${JSON.stringify(name)} is not a column of ${from.source.schema}.${from.source.name}.`, `Use column names exactly as PostgreSQL stores them: ${from.columns.map((x) => x.name).join(', ')}.`, object);
    return c;
  };
  const notNull = (name: string, object: string, why: string): void => {
    const src = from.source.columns.find((c) => c.name === name);
    if (src?.nullable !== false) configError(`${object}: column ${JSON.stringify(name)} is nullable in PostgreSQL, but ${why}.`, `Declare ${name} NOT NULL in PostgreSQL, or choose another column.`, object);
  };

  const businessDate = sourceColumn(spec.businessDate, `${where}: businessDate`);
  if (!DATE_TYPES.has(businessDate.type.name)) configError(`${where}: businessDate ${JSON.stringify(spec.businessDate)} is ${businessDate.type.name}, not a date or timestamp.`, 'Choose the column holding the business date of each row (e.g. the order date).', `${where}: businessDate`);
  notNull(spec.businessDate, `${where}: businessDate`, 'every row needs a business date to find the dimension versions valid on it');

  const dimensions = spec.dimensions.map((d): ResolvedScd2 => {
    const object = `dimension ${d.name}`;
    if (d.naturalKey.length === 0) configError(`${object} has no natural key.`, 'List the source columns that identify one member (e.g. customername).', object);
    if (d.tracked.length === 0) configError(`${object} tracks no column.`, 'List the source columns whose change opens a new version.', object);
    for (const k of d.naturalKey) notNull(k, object, 'a natural key identifies a member and cannot be NULL');
    for (const c of d.tracked) if (d.naturalKey.includes(c)) configError(`${object}: ${JSON.stringify(c)} is both natural key and tracked.`, 'A natural key never changes within a member: remove it from `tracked`.', object);
    const surrogateKey = d.surrogateKey ?? `${d.name}_sk`;
    const naturalKey = d.naturalKey.map((k) => sourceColumn(k, object));
    const tracked = d.tracked.map((c) => sourceColumn(c, object));
    assertNoCollisions([surrogateKey, ...d.naturalKey, ...d.tracked, ...Object.values(SCD2_COLUMNS)], `${object} columns`);
    return { spec: d, name: inSchema(d.name), surrogateKey, naturalKey, tracked };
  });

  const date = spec.dateDimension === undefined ? undefined : { spec: spec.dateDimension, name: inSchema(spec.dateDimension.name), key: spec.dateDimension.key ?? 'date_key' };

  const f = spec.fact;
  const factObject = `fact table ${f.name}`;
  const grainNames = f.grain ?? from.keys;
  if (grainNames.length === 0) configError(`${factObject} has no grain.`, 'Give `grain`: the source columns that identify one fact row.', factObject);
  for (const g of grainNames) notNull(g, factObject, 'the grain identifies a fact row');
  const grain = grainNames.map((g) => sourceColumn(g, factObject));
  for (const c of f.columns) if (grainNames.includes(c)) configError(`${factObject}: ${JSON.stringify(c)} is listed in both grain and columns.`, 'List it once, in `grain`.', factObject);
  const columns = f.columns.map((c) => sourceColumn(c, factObject));
  assertNoCollisions([...grainNames, ...(date ? [date.key] : []), ...dimensions.map((d) => d.surrogateKey), ...f.columns], `${factObject} columns`);
  assertNoCollisions([...dimensions.map((d) => d.spec.name), ...(date ? [date.spec.name] : []), f.name], `${where} tables`);
  return { spec, businessDate, dimensions, date, fact: { spec: f, name: inSchema(f.name), grain, columns } };
}
