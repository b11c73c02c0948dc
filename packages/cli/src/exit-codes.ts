/**
 * The process exit codes of `floe`. Scripts and schedulers branch on these, so they are part of the
 * public contract: never reuse a code for another meaning.
 */
export const EXIT = {
  /** Everything asked for was done. */
  ok: 0,
  /** A run (extract, upload, provision...) failed. */
  runFailed: 1,
  /** The command line or the configuration is wrong: nothing was attempted. */
  usage: 2,
  /** A check failed, or verify found differences between PostgreSQL and Snowflake. */
  checkFailed: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The table printed by `floe --help` and in the README. */
export const EXIT_CODE_HELP = [
  'Exit codes:',
  '  0  ok',
  '  1  a run failed (extract, upload, provision, Snowflake)',
  '  2  usage or configuration error (nothing was attempted)',
  '  3  a check failed, or verify found differences',
].join('\n');
