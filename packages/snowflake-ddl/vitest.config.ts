import { defineProject } from 'vitest/config';

export default defineProject({
  // Vite 7 applies `resolve.conditions` to the client environment only; tests run in the SSR
  // environment, which needs its own list, or workspace packages resolve to their (stale) dist.
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    name: 'snowflake-ddl',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
