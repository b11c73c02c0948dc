export type { SourceColumn, SourceTable } from './source-schema.js';
