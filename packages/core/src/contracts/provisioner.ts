import type { ResultAsync } from 'neverthrow';
import type { FloeError } from '../errors.js';

/** One statement of a provisioning plan and what the provisioner found for it. */
export interface PlannedStep {
  readonly id: string;
  readonly description: string;
  readonly sql: string;
  /** `create`: object missing; `alter`: present but different; `none`: already as wanted. */
  readonly action: 'create' | 'alter' | 'none';
}

export interface ProvisionPlan {
  readonly steps: readonly PlannedStep[];
}

export interface ProvisionReport {
  readonly applied: readonly PlannedStep[];
  readonly unchanged: readonly PlannedStep[];
  /** JSON documents for the AWS side, once Snowflake has issued the values they need. */
  readonly documents: Readonly<Record<string, unknown>>;
}

/** Sets up the Snowflake side: reads what exists, plans the difference, applies it in order. */
export interface SnowflakeProvisioner {
  plan(): ResultAsync<ProvisionPlan, FloeError>;
  apply(plan: ProvisionPlan): ResultAsync<ProvisionReport, FloeError>;
}
