// Completes the Lambda deployment package after `tsup --config tsup.lambda.config.ts`: copies
// parquet-wasm's .wasm file next to the bundle (its Node build reads it from `__dirname`) and
// zips both into dist/lambda.zip, ready for `aws lambda update-function-code` or SAM.
import { copyFileSync, createWriteStream, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yazl from 'yazl';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(pkgDir, 'dist', 'lambda');
const zipPath = join(pkgDir, 'dist', 'lambda.zip');

// Resolved from core, which depends on parquet-wasm: the same file the bundle's code was built from.
const fromCore = createRequire(join(pkgDir, '..', 'core', 'package.json'));
const wasm = fromCore.resolve('parquet-wasm/node/parquet_wasm_bg.wasm');
copyFileSync(wasm, join(outDir, 'parquet_wasm_bg.wasm'));

// A fixed timestamp: the same sources give the same zip (and the same CodeSha256 in Lambda).
const mtime = new Date('2000-01-01T00:00:00Z');
const zip = new yazl.ZipFile();
for (const name of ['index.mjs', 'parquet_wasm_bg.wasm']) {
  zip.addBuffer(readFileSync(join(outDir, name)), name, { mtime, mode: 0o644 });
}
zip.end();
await new Promise((resolve, reject) => {
  const out = createWriteStream(zipPath);
  out.on('close', resolve);
  out.on('error', reject);
  zip.outputStream.on('error', reject).pipe(out);
});

const mib = (n) => `${(n / 1024 / 1024).toFixed(2)} MiB`;
console.log(`lambda: dist/lambda.zip ${mib(statSync(zipPath).size)} (index.mjs ${mib(statSync(join(outDir, 'index.mjs')).size)}, parquet_wasm_bg.wasm ${mib(statSync(join(outDir, 'parquet_wasm_bg.wasm')).size)} unzipped)`);
