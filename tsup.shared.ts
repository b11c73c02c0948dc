import { defineConfig, type Options } from 'tsup';

/**
 * The build every floe package shares: ESM + CJS + type declarations for Node 20 and later.
 * A package passes only what differs (entries, formats, a banner).
 */
export function floeLibrary(overrides: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    ...overrides,
  });
}
