import { okAsync } from 'neverthrow';
import type { WatermarkStore } from '../contracts/pipeline.js';
import type { Watermark } from '../contracts/window.js';

/** A {@link WatermarkStore} in process memory: for tests and one-shot runs that keep no state. */
export function createMemoryWatermarkStore(): WatermarkStore {
  const marks = new Map<string, Watermark>();
  return {
    get: (table) => okAsync(marks.get(table) ?? null),
    set: (table, watermark) => {
      marks.set(table, { column: watermark.column, value: watermark.value });
      return okAsync(undefined);
    },
  };
}
