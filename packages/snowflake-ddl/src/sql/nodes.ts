import type { ObjectName } from './identifiers.js';
import type { SnowflakeType } from '../types/snowflake-type.js';

/**
 * The statements floe emits, as plain read-only data. Names and values stay raw here; only the
 * compiler (sql-compiler.ts) quotes and escapes them, so there is one place where that happens.
 */
export type OptionValue =
  | { readonly kind: 'keyword'; readonly value: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'strings'; readonly values: readonly string[] }
  | { readonly kind: 'object'; readonly value: ObjectName }
  | { readonly kind: 'options'; readonly options: readonly SqlOption[] }
  /** A control character written as Snowflake's escape sequence (`'\n'`), so the SQL stays on one line. */
  | { readonly kind: 'controlChar'; readonly value: 'LF' | 'CR' | 'TAB' };

/** `NAME = value` in a CREATE/ALTER statement. */
export interface SqlOption {
  readonly name: string;
  readonly value: OptionValue;
}

export const kw = (value: string): OptionValue => ({ kind: 'keyword', value });
export const str = (value: string): OptionValue => ({ kind: 'string', value });
export const num = (value: number): OptionValue => ({ kind: 'number', value });
export const strs = (values: readonly string[]): OptionValue => ({ kind: 'strings', values });
export const obj = (value: ObjectName): OptionValue => ({ kind: 'object', value });
export const opts = (options: readonly SqlOption[]): OptionValue => ({ kind: 'options', options });
export const opt = (name: string, value: OptionValue): SqlOption => ({ name, value });
export const bool = (b: boolean): OptionValue => kw(b ? 'TRUE' : 'FALSE');

export type CreatableType = 'DATABASE' | 'SCHEMA' | 'WAREHOUSE' | 'ROLE' | 'STORAGE INTEGRATION' | 'FILE FORMAT' | 'STAGE' | 'STREAM';

/** `CREATE <type> IF NOT EXISTS <name> [ON TABLE t] <options>` */
export interface CreateNode {
  readonly kind: 'create';
  readonly objectType: CreatableType;
  readonly name: ObjectName;
  readonly onTable?: ObjectName;
  readonly options: readonly SqlOption[];
}

export interface ColumnDef {
  readonly name: string;
  readonly type: SnowflakeType;
  readonly nullable: boolean;
  readonly comment?: string;
}

export interface CreateTableNode {
  readonly kind: 'createTable';
  readonly name: ObjectName;
  readonly columns: readonly ColumnDef[];
  readonly options: readonly SqlOption[];
}

/** The COPY a pipe runs: a column list and a SELECT over the stage path. */
export interface CopyNode {
  readonly target: ObjectName;
  readonly columns: readonly string[];
  /** SQL expressions, one per column, already compiled (they reference `$n` / `$1:"name"`). */
  readonly select: readonly string[];
  readonly stage: ObjectName;
  /** Sub-path under the stage URL, e.g. `sales/` (validated: letters, digits, `_ . = -` and `/`). */
  readonly path: string;
  readonly fileFormat: ObjectName;
  readonly pattern: string;
}

export interface CreatePipeNode {
  readonly kind: 'createPipe';
  readonly name: ObjectName;
  readonly options: readonly SqlOption[];
  readonly copy: CopyNode;
}

export interface CreateTaskNode {
  readonly kind: 'createTask';
  readonly name: ObjectName;
  readonly options: readonly SqlOption[];
  /** A boolean SQL expression, already compiled. */
  readonly when?: string;
  /** Statements run in one transaction, already compiled (no trailing `;`). */
  readonly transaction: readonly string[];
}

/** `MERGE INTO target USING (source) ON keys WHEN MATCHED [AND cond] THEN UPDATE ... WHEN NOT MATCHED THEN INSERT ...` */
export interface MergeNode {
  readonly kind: 'merge';
  readonly target: ObjectName;
  /** A SELECT, already compiled, producing every column in `columns`. */
  readonly source: string;
  readonly keys: readonly string[];
  readonly columns: readonly string[];
  /** Extra condition on WHEN MATCHED, already compiled (aliases `t` target, `s` source). */
  readonly matchedCondition?: string;
}

export type AlterableType = 'TASK' | 'PIPE' | 'STORAGE INTEGRATION' | 'USER';

export interface AlterNode {
  readonly kind: 'alter';
  readonly objectType: AlterableType;
  readonly name: ObjectName;
  readonly ifExists: boolean;
  /** `RESUME`, `SUSPEND` (keywords) or options to SET. */
  readonly action: { readonly keyword: 'RESUME' | 'SUSPEND' } | { readonly set: readonly SqlOption[] };
}

export type DescribableType = 'STORAGE INTEGRATION' | 'PIPE';

export interface DescribeNode {
  readonly kind: 'describe';
  readonly objectType: DescribableType;
  readonly name: ObjectName;
}

export type ShowableType = 'DATABASES' | 'SCHEMAS' | 'WAREHOUSES' | 'ROLES' | 'INTEGRATIONS' | 'FILE FORMATS' | 'STAGES' | 'TABLES' | 'PIPES' | 'STREAMS' | 'TASKS';

/** `SHOW <things> LIKE '<name>' [IN SCHEMA|DATABASE x]` */
export interface ShowNode {
  readonly kind: 'show';
  readonly objectType: ShowableType;
  readonly like: string;
  readonly in?: { readonly type: 'SCHEMA' | 'DATABASE'; readonly name: ObjectName };
}

export type GrantTarget =
  | { readonly type: 'ACCOUNT' }
  | { readonly type: 'DATABASE' | 'SCHEMA' | 'WAREHOUSE' | 'INTEGRATION' | 'FILE FORMAT' | 'STAGE' | 'TABLE' | 'PIPE' | 'STREAM' | 'TASK'; readonly name: ObjectName };

export interface GrantNode {
  readonly kind: 'grant';
  readonly privileges: readonly string[];
  readonly on: GrantTarget;
  readonly toRole: string;
}

export interface GrantRoleNode {
  readonly kind: 'grantRole';
  readonly role: string;
  readonly toUser: string;
}

export type DroppableType = 'DATABASE' | 'SCHEMA' | 'WAREHOUSE' | 'ROLE' | 'STORAGE INTEGRATION' | 'FILE FORMAT' | 'STAGE' | 'TABLE' | 'PIPE' | 'STREAM' | 'TASK';

export interface DropNode {
  readonly kind: 'drop';
  readonly objectType: DroppableType;
  readonly name: ObjectName;
}

export type Statement =
  | CreateNode
  | CreateTableNode
  | CreatePipeNode
  | CreateTaskNode
  | MergeNode
  | AlterNode
  | DescribeNode
  | ShowNode
  | GrantNode
  | GrantRoleNode
  | DropNode;
