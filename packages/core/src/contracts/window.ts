/**
 * Which rows a run extracts.
 * - `day`: rows whose `column` falls in [date 00:00, date+1 00:00) in `timeZone` (the daily job).
 * - `cursor`: rows whose `column` is above the last committed watermark and at most the run's upper
 *   bound (the largest value in the run's snapshot, minus `lagSeconds` if set). The watermark moves
 *   only after every file and the manifest are uploaded.
 * - `full`: every row.
 */
export type ExtractWindow =
  | { readonly kind: 'day'; readonly column: string; readonly date: string; readonly timeZone: string }
  | { readonly kind: 'cursor'; readonly column: string; readonly after: Watermark | null; readonly lagSeconds?: number }
  | { readonly kind: 'full' };

/**
 * A cursor position. `value` is PostgreSQL's own text of the column value with full precision
 * (microseconds kept), rendered in UTC for timestamptz, so it compares exactly when cast back.
 */
export interface Watermark {
  readonly column: string;
  readonly value: string;
}
