import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['source'] },
  test: {
    name: 'lambda',
    include: ['test/**/*.test.ts'],
    // The bundle tests invoke dist/lambda/index.mjs: it is rebuilt first when the sources changed.
    globalSetup: ['test/support/build-bundle.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
