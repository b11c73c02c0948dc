/**
 * The test projects of the workspace: one per package, each with its own vitest config.
 * The root vitest.config.ts feeds this list to `test.projects` (vitest 4 reads only that key),
 * so this file is the single place that says which packages have tests.
 */
export const projects = [
  'packages/snowflake-ddl',
  'packages/core',
  'packages/snowflake-local',
  'packages/cli',
  'packages/lambda',
  'examples/sales',
  'packages/testkit',
] as const;

export default projects;
