import { defineConfig } from 'tsup';

/**
 * Builds the plan printer as one self-contained ESM file (the workspace's snowflake-ddl sources
 * bundled in), so `node dist/plan/print-plan.js` runs with plain Node.
 */
export default defineConfig({
  entry: { 'print-plan': 'src/print-plan.ts' },
  outDir: 'dist/plan',
  format: ['esm'],
  dts: false,
  sourcemap: false,
  clean: false,
  target: 'node20',
  noExternal: ['@floe/snowflake-ddl'],
  esbuildOptions(options) {
    options.conditions = ['source'];
  },
});
