import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

/**
 * The one vitest project config every package uses. Workspace packages resolve to their `src/`
 * through the `source` export condition. Vite applies `resolve.conditions` to the client
 * environment only, and tests run in the SSR environment, where workspace packages (symlinks in
 * node_modules) are externalized to Node: both lists are needed, or tests silently load a stale dist.
 */
export function floeProject(name: string, overrides: UserWorkspaceConfig['test'] = {}): UserWorkspaceConfig {
  return defineProject({
    resolve: { conditions: ['source'] },
    ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
    test: {
      name,
      include: ['test/**/*.test.ts'],
      testTimeout: 60_000,
      hookTimeout: 120_000,
      ...overrides,
    },
  });
}
