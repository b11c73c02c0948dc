// Loads the workspace's built packages (dist/) and their dependencies from plain Node: the bench
// runs the code users run, after `scripts/setup.mjs` has built it.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `require` as seen from a workspace package (its own node_modules). */
export function requireFrom(pkgDir) {
  return createRequire(join(root, pkgDir, 'package.json'));
}

/** The ESM build of a workspace package, e.g. `importDist('packages/core')`. */
export function importDist(pkgDir) {
  return import(pathToFileURL(join(root, pkgDir, 'dist', 'index.js')).href);
}

/** An ESM dependency of a workspace package, resolved from that package. */
export function importFrom(pkgDir, name) {
  return import(pathToFileURL(requireFrom(pkgDir).resolve(name)).href);
}
