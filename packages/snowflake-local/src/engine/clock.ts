import type { Clock } from './extension.js';

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock that only moves when told to, so tests can run CRON-scheduled tasks deterministically.
 * @example const clock = new ManualClock(new Date('2026-11-26T02:00:00Z')); clock.advance(60_000);
 */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: Date = new Date()) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Moves the clock forward by `ms` milliseconds (never backwards). */
  advance(ms: number): Date {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`ManualClock.advance needs a non-negative number of milliseconds, got ${ms}`);
    this.current += ms;
    return this.now();
  }

  /** Sets the clock to an absolute instant. */
  set(date: Date): Date {
    this.current = date.getTime();
    return this.now();
  }
}
