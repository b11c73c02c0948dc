/** A task's SCHEDULE: `USING CRON <min> <hour> <dom> <month> <dow> <time zone>` or `<n> MINUTE`. */
import { Cron } from 'croner';
import { compilationError } from '../objects/snowflake-error.js';

export interface TaskSchedule {
  /** As written in SCHEDULE = '...'. */
  readonly text: string;
  /** The first fire time strictly after `after`, measured from `anchor` for interval schedules. */
  next(after: Date, anchor: Date): Date;
}

const UNIT_MS: Record<string, number> = { SECOND: 1000, SECONDS: 1000, S: 1000, MINUTE: 60_000, MINUTES: 60_000, M: 60_000, HOUR: 3_600_000, HOURS: 3_600_000, H: 3_600_000 };

function invalid(text: string, why: string): Error {
  return compilationError(`Invalid value ['${text}'] for parameter 'SCHEDULE': ${why}`, '002029', '22023');
}

/** Parses a SCHEDULE value; throws Snowflake's compilation error for a bad one. */
export function parseSchedule(text: string): TaskSchedule {
  const trimmed = text.trim();
  const cron = /^USING\s+CRON\s+(.+)$/i.exec(trimmed);
  if (cron) {
    const fields = cron[1]!.trim().split(/\s+/);
    if (fields.length !== 6) throw invalid(text, 'a CRON schedule needs five fields and a time zone.');
    const timezone = fields[5]!;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    } catch {
      throw invalid(text, `unknown time zone '${timezone}'.`);
    }
    let job: Cron;
    try {
      // Snowflake, like classic cron, fires when either day-of-month or day-of-week matches.
      job = new Cron(fields.slice(0, 5).join(' '), { timezone, paused: true, domAndDow: false });
    } catch (e) {
      throw invalid(text, (e as Error).message);
    }
    return {
      text,
      next(after: Date): Date {
        const at = job.nextRun(after);
        if (!at) throw invalid(text, 'it never fires.');
        return at;
      },
    };
  }
  const interval = /^(\d+)\s*([A-Z]+)$/i.exec(trimmed);
  const unit = interval ? UNIT_MS[interval[2]!.toUpperCase()] : undefined;
  if (!interval || unit === undefined || Number(interval[1]) <= 0) throw invalid(text, "expected 'USING CRON <expr> <time zone>' or '<n> MINUTE'.");
  const period = Number(interval[1]) * unit;
  return {
    text,
    next(after: Date, anchor: Date): Date {
      const elapsed = after.getTime() - anchor.getTime();
      const periods = elapsed < 0 ? 1 : Math.floor(elapsed / period) + 1;
      return new Date(anchor.getTime() + periods * period);
    },
  };
}
