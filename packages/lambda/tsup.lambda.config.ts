import { dirname, join } from 'node:path';
import { defineConfig, type Options } from 'tsup';

type EsbuildPlugin = NonNullable<Options['esbuildPlugins']>[number];

/**
 * zod re-exports every one of its ~50 message locales as `z.locales`, which keeps them all in the
 * bundle (0.25 MB of 1.7 MB, compiled at every cold start). floe only uses the English messages
 * zod registers by default, so the bundle's `z.locales` holds `en` alone.
 */
const zodEnglishOnly: EsbuildPlugin = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /locales[\\/]index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer) ? { path: join(args.resolveDir, args.path), namespace: 'zod-locales' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(join(dirname(args.path), 'en.js'))};`,
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

// What bundled CommonJS modules expect, provided once at the top of the ESM bundle: `require` (for
// Node built-ins, and for core's Parquet worker, which resolves parquet-wasm from this file), and
// `__filename`/`__dirname`.
const cjsShim = [
  "import { createRequire as __floeRequire } from 'node:module';",
  "import { fileURLToPath as __floePath } from 'node:url';",
  "import { dirname as __floeDir } from 'node:path';",
  'const require = __floeRequire(import.meta.url);',
  'const __filename = __floePath(import.meta.url);',
  'const __dirname = __floeDir(__filename);',
].join(' ');

/**
 * The deployment bundle: one minified ESM file with every dependency inside, for Lambda's
 * nodejs24.x runtime (target node22, so it loads on nodejs22.x too), with two exceptions:
 * - snowflake-sdk stays out: the function only extracts, and core loads the driver lazily, only to
 *   provision;
 * - parquet-wasm is shipped as itself (scripts/make-zip.mjs copies its Node build, .wasm included,
 *   to node_modules/parquet-wasm beside index.mjs): core loads it lazily, and its Parquet worker
 *   thread `require`s it by the path it resolves at run time, which a bundled copy cannot serve.
 */
export default defineConfig({
  entry: { index: 'src/lambda-entry.ts' },
  outDir: 'dist/lambda',
  format: ['esm'],
  outExtension: () => ({ js: '.mjs' }),
  platform: 'node',
  target: 'node22',
  minify: true,
  splitting: false,
  sourcemap: false,
  dts: false,
  clean: true,
  noExternal: [/.*/],
  banner: { js: cjsShim },
  esbuildPlugins: [zodEnglishOnly],
  esbuildOptions(options) {
    // Workspace packages from their sources, like the tests see them.
    options.conditions = ['source', 'node'];
    options.external = ['snowflake-sdk', 'pg-native', 'parquet-wasm'];
    options.legalComments = 'none';
  },
});
