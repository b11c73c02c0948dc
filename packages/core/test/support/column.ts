import type { ColumnSchema } from '../../src/index.js';

/** A nullable, non-array column of a hand-written table schema, as the catalog would describe it. */
export const col = (name: string, pgType: string, baseType: string, extra: Partial<ColumnSchema> = {}): ColumnSchema => ({ name, pgType, baseType, isArray: false, nullable: true, ...extra });
