import { randomBytes } from 'node:crypto';
import type { RunId } from '../contracts/run.js';

/**
 * `20261126T101500123Z-3f9a1c2e`: UTC time to the millisecond, then 32 random bits. Sorting run ids
 * as strings sorts them by start time, which is what "latest delivery wins" in Snowflake relies on;
 * the random tail keeps two runs started in the same millisecond apart.
 */
export function newRunId(at: Date): RunId {
  const iso = at.toISOString(); // 2026-11-26T10:15:00.123Z
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}${iso.slice(20, 23)}Z`;
  return `${stamp}-${randomBytes(4).toString('hex')}`;
}

/** Whether a text has the run id shape (it becomes part of object keys). */
export function isRunId(text: string): boolean {
  return /^\d{8}T\d{9}Z-[0-9a-f]{8}$/.test(text);
}
