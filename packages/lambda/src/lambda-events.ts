import { err, ok, type Result } from 'neverthrow';
import { z } from 'zod';
import { floeError, type FloeError } from '@floe/core';

/**
 * What one invocation asks for, whatever shape its event had.
 * - `scheduled`: the daily run. Day tables take the day before `time` in their time zone; cursor
 *   tables continue from their watermark; full tables are extracted whole.
 * - `days`: the named days (one, or an inclusive range) for the day-window tables.
 * - `cursor`: the cursor-window tables, from their stored watermark or from `after`.
 */
export type Invocation =
  | { readonly kind: 'scheduled'; readonly time: Date; readonly via: 'eventbridge-rule' | 'eventbridge-scheduler' }
  | { readonly kind: 'days'; readonly dates: readonly string[]; readonly tables?: readonly string[] }
  | { readonly kind: 'cursor'; readonly after?: string; readonly tables?: readonly string[] };

/** A manual date range spanning more days than this is refused (a typo in a year runs for hours). */
export const DEFAULT_MAX_DAYS = 31;

const EXAMPLES = '{"date":"2005-05-31"}, {"from":"2005-05-01","to":"2005-05-31"} or {"mode":"cursor"}';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD').refine(isCalendarDate, 'is not a calendar date');
const tables = z.array(z.string().min(1)).min(1).optional();

/** EventBridge rule (`schedule` / `cron()` rule): AWS's own envelope; `time` is the scheduled time. */
const ruleEvent = z.looseObject({ source: z.literal('aws.events'), 'detail-type': z.literal('Scheduled Event'), time: z.string() });
/** EventBridge Scheduler: its target Input, `{"scheduledTime": "<aws.scheduler.scheduled-time>"}`. */
const schedulerEvent = z.strictObject({ scheduledTime: z.string() });
const dayEvent = z.strictObject({ date: isoDate, tables });
const rangeEvent = z.strictObject({ from: isoDate, to: isoDate, tables });
const cursorEvent = z.strictObject({ mode: z.literal('cursor'), after: z.string().min(1).optional(), tables });

function isCalendarDate(text: string): boolean {
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

function badEvent(message: string, hint: string = `Invoke with ${EXAMPLES}, or let the schedule invoke it.`): FloeError {
  return floeError('bad_window', message, hint, { object: 'event' });
}

function issueText(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : 'event'} ${i.message}`).join('; ');
}

function scheduledAt(text: string, via: 'eventbridge-rule' | 'eventbridge-scheduler'): Result<Invocation, FloeError> {
  const time = new Date(text);
  if (Number.isNaN(time.getTime())) {
    return err(badEvent(`The scheduled event's time "${text}" is not an ISO 8601 timestamp.`, 'Check the schedule target\'s input: {"scheduledTime": "<aws.scheduler.scheduled-time>"}.'));
  }
  return ok({ kind: 'scheduled', time, via });
}

/** Every day from `from` to `to`, both included. */
function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d.toISOString().slice(0, 10) <= to; d.setUTCDate(d.getUTCDate() + 1)) out.push(d.toISOString().slice(0, 10));
  return out;
}

/**
 * Reads an invocation event. Scheduled events are recognised by their envelope; a manual event
 * must be exactly one of the documented shapes (unknown keys are refused, so a typo such as
 * `{"data": ...}` fails instead of silently running yesterday).
 */
export function parseInvocation(event: unknown, opts: { readonly maxDays?: number } = {}): Result<Invocation, FloeError> {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    return err(badEvent(`The invocation event must be a JSON object, got ${event === null ? 'null' : Array.isArray(event) ? 'an array' : typeof event}.`));
  }
  const rule = ruleEvent.safeParse(event);
  if (rule.success) return scheduledAt(rule.data.time, 'eventbridge-rule');
  const scheduler = schedulerEvent.safeParse(event);
  if (scheduler.success) return scheduledAt(scheduler.data.scheduledTime, 'eventbridge-scheduler');

  const keys = Object.keys(event);
  if (keys.includes('date')) {
    const day = dayEvent.safeParse(event);
    if (!day.success) return err(badEvent(`The manual event is not valid: ${issueText(day.error)}.`));
    return ok({ kind: 'days', dates: [day.data.date], ...(day.data.tables ? { tables: day.data.tables } : {}) });
  }
  if (keys.includes('from') || keys.includes('to')) {
    const range = rangeEvent.safeParse(event);
    if (!range.success) return err(badEvent(`The manual event is not valid: ${issueText(range.error)}.`));
    const { from, to } = range.data;
    if (from > to) return err(badEvent(`The range starts after it ends (from ${from} > to ${to}).`, 'Swap from and to: both days are included.'));
    const dates = daysBetween(from, to);
    const max = opts.maxDays ?? DEFAULT_MAX_DAYS;
    if (dates.length > max) {
      return err(badEvent(`The range ${from}..${to} covers ${dates.length} days, more than the ${max} one invocation may run.`, 'Split it into smaller ranges, or raise FLOE_MAX_DAYS (each day must fit in the function\'s timeout).'));
    }
    return ok({ kind: 'days', dates, ...(range.data.tables ? { tables: range.data.tables } : {}) });
  }
  if (keys.includes('mode')) {
    const cursor = cursorEvent.safeParse(event);
    if (!cursor.success) return err(badEvent(`The manual event is not valid: ${issueText(cursor.error)}.`));
    return ok({ kind: 'cursor', ...(cursor.data.after !== undefined ? { after: cursor.data.after } : {}), ...(cursor.data.tables ? { tables: cursor.data.tables } : {}) });
  }
  const shown = keys.length === 0 ? 'an empty object' : `keys ${keys.slice(0, 5).join(', ')}`;
  return err(badEvent(`The invocation event has an unknown shape (${shown}).`));
}
