// Completes the Lambda deployment package after `tsup --config tsup.lambda.config.ts`: copies
// parquet-wasm's Node build (its CommonJS module, which reads parquet_wasm_bg.wasm next to itself)
// to node_modules/parquet-wasm beside the bundle, where both core's lazy import and its Parquet
// worker thread resolve it, then zips everything into dist/lambda.zip, ready for
// `aws lambda update-function-code` or SAM (handler `index.handler`).
import { cpSync, createWriteStream, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import yazl from 'yazl';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(pkgDir, 'dist', 'lambda');
const zipPath = join(pkgDir, 'dist', 'lambda.zip');

// Resolved from core, which depends on parquet-wasm: the very version the bundle was built against.
const fromCore = createRequire(join(pkgDir, '..', 'core', 'package.json'));
// (`./node/parquet_wasm_bg.wasm` is an exported subpath; `./package.json` is not.)
const source = dirname(dirname(fromCore.resolve('parquet-wasm/node/parquet_wasm_bg.wasm')));
const target = join(outDir, 'node_modules', 'parquet-wasm');
rmSync(target, { recursive: true, force: true });
mkdirSync(join(target, 'node'), { recursive: true });
for (const name of ['package.json', 'LICENSE_APACHE', 'LICENSE_MIT']) cpSync(join(source, name), join(target, name));
// Only what Node loads (the `node` export condition): no browser builds, no type declarations.
for (const name of ['package.json', 'parquet_wasm.js', 'parquet_wasm_bg.wasm']) cpSync(join(source, 'node', name), join(target, 'node', name));

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

// A fixed timestamp and order: the same sources give the same zip (and the same CodeSha256 in Lambda).
const mtime = new Date('2000-01-01T00:00:00Z');
const zip = new yazl.ZipFile();
const entries = files(outDir)
  .map((p) => relative(outDir, p).split(sep).join('/'))
  .sort();
for (const name of entries) zip.addBuffer(readFileSync(join(outDir, name)), name, { mtime, mode: 0o644 });
zip.end();
await new Promise((resolve, reject) => {
  const out = createWriteStream(zipPath);
  out.on('close', resolve);
  out.on('error', reject);
  zip.outputStream.on('error', reject).pipe(out);
});

const mib = (n) => `${(n / 1024 / 1024).toFixed(2)} MiB`;
const unzipped = entries.reduce((n, name) => n + statSync(join(outDir, name)).size, 0);
console.log(`lambda: dist/lambda.zip ${mib(statSync(zipPath).size)} (${entries.length} files, ${mib(unzipped)} unzipped; index.mjs ${mib(statSync(join(outDir, 'index.mjs')).size)})`);
