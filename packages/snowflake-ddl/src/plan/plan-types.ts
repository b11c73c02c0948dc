/** Where a step sits in the setup; phases run in this order. */
export type SetupPhase = 'bootstrap' | 'integration' | 'objects' | 'tasks' | 'grants' | 'resume';
export type TeardownPhase = 'teardown';

export type PlanObjectType = 'DATABASE' | 'SCHEMA' | 'WAREHOUSE' | 'ROLE' | 'USER' | 'INTEGRATION' | 'FILE FORMAT' | 'STAGE' | 'TABLE' | 'PIPE' | 'STREAM' | 'TASK' | 'GRANT';

/** One statement of a plan. */
export interface PlanStep {
  /** Stable id, e.g. `objects/pipe/SALES_PIPE`. */
  readonly id: string;
  readonly phase: SetupPhase | TeardownPhase;
  /** The object concerned; `name` is its SQL (quoted, qualified) form. */
  readonly object: { readonly type: PlanObjectType; readonly name: string };
  /** One statement, no trailing `;`. */
  readonly sql: string;
  /**
   * `ddl`: changes the account, safe to run again. `read`: returns values a later step or an AWS
   * document needs: `returns` names them (DESC INTEGRATION: rows by `property`; DESC PIPE: columns).
   */
  readonly kind: 'ddl' | 'read';
  readonly returns?: readonly string[];
  /**
   * For `CREATE ... IF NOT EXISTS` steps: a SHOW that lists the object (filter its rows by `name`
   * equal to `existsName`: LIKE also matches `_` and `%` as wildcards). Steps without it always run.
   */
  readonly existsSql?: string;
  readonly existsName?: string;
  readonly description: string;
}

/** The ordered statements of a setup. */
export interface SetupPlan {
  readonly steps: readonly PlanStep[];
}
