/**
 * The process settings `floe` starts Node with, so memory stays flat however long a run lasts.
 *
 * None of them can be set from inside a running process: V8 sizes its heap when the process starts,
 * and glibc reads its malloc settings then too. So the binary, on a Node that has `process.execve`
 * (22.15+, 23.11+), replaces itself once with the same command under these settings. It keeps its
 * PID, its standard streams and its signals, so cron, systemd and `kill` see one process throughout.
 *
 * Measured on 1M and 10M rows (`npm run bench`, docs/benchmarks.md): under Node's defaults the peak
 * RSS grows with the run's length (1.4–1.5× from 1M to 10M rows); under these it stays within about
 * 1.1×, and well under 256 MB. Where each comes from:
 * - `--max-semi-space-size=4`: Node 24's V8 grows the young generation towards 3 × 32 MiB as a run
 *   goes on, though under 30 MB of the heap is live; 4 MiB semi-spaces keep it small, at no
 *   measurable cost (the pipeline allocates little JavaScript per row).
 * - `--optimize-for-size`: V8 then collects the old generation sooner, which frees the COPY chunks
 *   and Parquet output that outlived a young collection. Their memory is outside the JavaScript
 *   heap, so under the default heuristics tens of MB of it waited for a full collection. It costs
 *   some CPU (about 0.7 CPU-seconds per million 26-column rows written as Parquet).
 * - `MALLOC_MMAP_THRESHOLD_`: a fixed 128 KiB threshold. glibc otherwise raises it to the size of
 *   the largest block freed, after which such blocks come from its arenas, fragment them and are
 *   rarely returned: RSS crept by about 35 MB over a 10M-row Parquet run.
 * - `MALLOC_ARENA_MAX=2`: two arenas for the main thread, the Parquet worker and libuv's pool,
 *   instead of up to eight per core, each holding its own free memory.
 *
 * The price is CPU on many small runs: a backfill of 252 small days took about 20 % longer
 * (`FLOE_NODE_TUNING=off` when memory is no concern).
 */
export const NODE_TUNING: { readonly v8Flags: readonly string[]; readonly env: Readonly<Record<string, string>> } = {
  v8Flags: ['--max-semi-space-size=4', '--optimize-for-size'],
  env: { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' },
};

/** Set in the replaced process, so it never replaces itself again. */
const MARK = 'FLOE_TUNED';
/** Set by the user to `off` to run under Node's defaults. */
const OPT_OUT = 'FLOE_NODE_TUNING';

/** What {@link planRelaunch} looks at: the process as it is. */
export interface ProcessState {
  readonly execPath: string;
  readonly execArgv: readonly string[];
  /** `process.argv`: the Node binary, the script, then the command's arguments. */
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly platform: string;
  readonly canExecve: boolean;
}

/** The `execve` call that restarts the process tuned. */
export interface Relaunch {
  readonly file: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

const flagName = (flag: string): string => flag.split('=')[0]!.replace(/_/g, '-');

/**
 * The relaunch to make, or null when there is none: already tuned, opted out, no `execve` (Node 20,
 * Windows), or every setting already chosen by the user (a flag of theirs on the command line or in
 * NODE_OPTIONS, a variable of theirs in the environment, always wins over ours).
 */
export function planRelaunch(state: ProcessState): Relaunch | null {
  if (!state.canExecve || state.platform === 'win32') return null;
  if (state.env[MARK] !== undefined || state.env[OPT_OUT] === 'off') return null;
  const theirs = new Set([...state.execArgv, ...(state.env.NODE_OPTIONS ?? '').split(/\s+/)].filter((a) => a.startsWith('--')).map(flagName));
  const flags = NODE_TUNING.v8Flags.filter((f) => !theirs.has(flagName(f)));
  const added = Object.entries(NODE_TUNING.env).filter(([k]) => state.env[k] === undefined);
  if (flags.length === 0 && added.length === 0) return null;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(state.env)) if (v !== undefined) env[k] = v;
  for (const [k, v] of added) env[k] = v;
  // Which variables were ours, so the tuned process can drop them before it starts any child.
  env[MARK] = added.map(([k]) => k).join(',');
  return { file: state.execPath, args: [state.execPath, ...flags, ...state.execArgv, ...state.argv.slice(1)], env };
}

type Execve = (file: string, args: readonly string[], env: Readonly<Record<string, string>>) => never;

/**
 * Replaces this process with a tuned one when {@link planRelaunch} says so (it does not return
 * then); in the tuned process, removes the malloc variables it added, so servers the CLI starts
 * (the demo's PostgreSQL) get the environment the user gave. A failed `execve` is not an error:
 * the command runs under Node's defaults.
 */
export function relaunchTuned(): void {
  const marked = process.env[MARK];
  if (marked !== undefined) {
    for (const k of marked.split(',')) if (k in NODE_TUNING.env) delete process.env[k];
    delete process.env[MARK];
    return;
  }
  const execve = (process as unknown as { execve?: Execve }).execve;
  const plan = planRelaunch({ execPath: process.execPath, execArgv: process.execArgv, argv: process.argv, env: process.env, platform: process.platform, canExecve: typeof execve === 'function' });
  if (plan === null || execve === undefined) return;
  try {
    execve.call(process, plan.file, plan.args, plan.env);
  } catch {
    // Not permitted here (a sandbox, a seccomp filter): run untuned rather than not at all.
  }
}
