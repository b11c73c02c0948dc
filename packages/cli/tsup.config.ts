import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

// One build for both entries (two configs would run at once and race on `clean`). The shebang is
// harmless in the library entry: Node strips a leading `#!` line from ESM and CJS alike.
export default defineConfig({
  entry: { index: 'src/index.ts', bin: 'src/bin.ts', 'node-tuning': 'src/node-tuning.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  banner: { js: '#!/usr/bin/env node' },
  define: { __FLOE_CLI_VERSION__: JSON.stringify(version) },
});
