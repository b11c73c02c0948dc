import { err, ok, type Result } from 'neverthrow';
import { floeError, type FloeError } from '../errors.js';
import type { FloeConfigFile, SnowflakeConfig, TableConfig } from './config-schema.js';

/** The Snowflake object names of one table, unquoted (the DDL generator quotes them). */
export interface TableObjectNames {
  readonly integration: string;
  readonly stage: string;
  readonly fileFormat: string;
  readonly landing: string;
  readonly target: string;
  readonly pipe: string;
  readonly stream: string;
  readonly task: string;
}

function fill(template: string, table: TableConfig): string {
  return template.replaceAll('{TABLE}', table.name.toUpperCase()).replaceAll('{FORMAT}', table.format.toUpperCase());
}

/** Resolves the `snowflake.objects` templates for one table. */
export function objectNames(snowflake: SnowflakeConfig, table: TableConfig): TableObjectNames {
  const o = snowflake.objects;
  return {
    integration: fill(o.integration, table),
    stage: fill(o.stage, table),
    fileFormat: fill(o.fileFormat, table),
    landing: fill(o.landing, table),
    target: fill(o.target, table),
    pipe: fill(o.pipe, table),
    stream: fill(o.stream, table),
    task: fill(o.task, table),
  };
}

/** The table named `name` (its logical name), or a `config` error listing the known ones. */
export function findTable(config: Pick<FloeConfigFile, 'tables'>, name: string): Result<TableConfig, FloeError> {
  const table = config.tables.find((t) => t.name === name);
  return table
    ? ok(table)
    : err(floeError('config', `The config has no table named "${name}".`, `Use one of: ${config.tables.map((t) => t.name).join(', ')}.`, { object: `tables[name=${name}]` }));
}
