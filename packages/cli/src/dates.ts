import { err, ok, type Result } from 'neverthrow';
import { floeError, type FloeError } from '@floe/core';

const DAY_MS = 86_400_000;

/** Parses a `YYYY-MM-DD` calendar date (a real one: 2005-02-30 is refused) from a command-line flag. */
export function parseDay(text: string, flag: string): Result<string, FloeError> {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m) {
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    if (d.toISOString().slice(0, 10) === text) return ok(text);
  }
  return err(floeError('config', `'${text}' is not a calendar date`, `Give ${flag} as YYYY-MM-DD, e.g. ${flag} 2005-05-31.`, { object: flag }));
}

/** Adds days to a `YYYY-MM-DD` date (calendar arithmetic in UTC, so no DST surprises). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Every day from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** Resolves `--from/--to` into a validated, ordered day range. */
export function parseRange(from: string, to: string): Result<string[], FloeError> {
  return parseDay(from, '--from').andThen((f) =>
    parseDay(to, '--to').andThen((t) =>
      f <= t ? ok(daysBetween(f, t)) : err(floeError('config', `--from ${f} is after --to ${t}`, 'Swap the two dates.', { object: '--from' })),
    ),
  );
}
