export { createHandler, FloeLambdaError, type FloeLambdaHandler, type HandlerOptions, type LambdaContextLike, type LambdaRunReport } from './lambda-handler.js';
export { parseInvocation, DEFAULT_MAX_DAYS, type Invocation } from './lambda-events.js';
export { readLambdaSettings, LAMBDA_DEFAULTS, LAMBDA_ENV, type LambdaSettings, type PasswordSource } from './lambda-settings.js';
export { createSecretsManagerPassword, type PasswordFetcher, type SecretsManagerLike, type SecretsManagerPasswordOptions } from './secrets-manager-password.js';
export { watchDeadline, type DeadlineWatch, type RemainingTime } from './lambda-deadline.js';
export { planRuns, type PlannedRun, type ReportedError, type TableRun } from './lambda-run.js';
