import { formatError, redact, type FloeError } from '@floe/core';
import type { ExitCode } from './exit-codes.js';

/**
 * Where a command writes. In `--json` mode stdout carries exactly one JSON object (the command's
 * result), so human text is dropped and notes go to stderr; otherwise text goes to stdout.
 */
export interface Output {
  readonly json: boolean;
  readonly debug: boolean;
  /** Whether stderr is a terminal (progress bars are drawn only then). */
  readonly interactive: boolean;
  /** Human-readable result text (stdout); dropped in `--json` mode. */
  print(text: string): void;
  /** Progress notes and timings (stderr), kept out of stdout so `--json` stays parseable. */
  note(text: string): void;
  /** A FloeError for humans (stderr): kind, message, object, hint; the cause only with `--debug`. */
  error(e: FloeError): void;
}

export interface OutputStreams {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown; isTTY?: boolean };
}

/** Builds the Output of one invocation. */
export function createOutput(opts: { json: boolean; debug: boolean; quiet?: boolean }, streams: OutputStreams = process): Output {
  return {
    json: opts.json,
    debug: opts.debug,
    interactive: streams.stderr.isTTY === true && !opts.json,
    print(text) {
      if (!opts.json) streams.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    },
    note(text) {
      if (!opts.quiet) streams.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
    },
    error(e) {
      streams.stderr.write(`${formatError(e)}\n`);
      if (opts.debug && e.cause !== undefined) streams.stderr.write(`  cause: ${describeCause(e.cause)}\n`);
    },
  };
}

/** The cause of an error for `--debug`: its stack (or text), scrubbed of secrets. */
export function describeCause(cause: unknown): string {
  if (cause instanceof Error) return redact(cause.stack ?? `${cause.name}: ${cause.message}`);
  try {
    return redact(typeof cause === 'string' ? cause : JSON.stringify(cause));
  } catch {
    return redact(String(cause));
  }
}

/** A FloeError as it appears in `--json` output (never the cause: it may hold driver internals). */
export function errorJson(e: FloeError): { kind: string; message: string; object?: string; hint: string } {
  return { kind: e.kind, message: e.message, ...(e.object !== undefined ? { object: e.object } : {}), hint: e.hint };
}

/** What every command hands back to the runner, which prints it and sets the exit code. */
export interface CommandResult {
  readonly exitCode: ExitCode;
  /** The command's result as data: the body of the `--json` object. */
  readonly data: Record<string, unknown>;
  /** The error that decided a non-zero exit, if any (printed with formatError). */
  readonly error?: FloeError;
}
