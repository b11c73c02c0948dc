// The part of parquetjs-lite 0.8.7 floe calls (the package ships no types).
declare module 'parquetjs-lite' {
  import type { Writable } from 'node:stream';
  export interface FieldDefinition {
    type: string;
    optional?: boolean;
    compression?: string;
  }
  export class ParquetSchema {
    constructor(fields: Record<string, FieldDefinition>);
  }
  export class ParquetWriter {
    static openStream(schema: ParquetSchema, stream: Writable, opts?: { rowGroupSize?: number; useDataPageV2?: boolean }): Promise<ParquetWriter>;
    appendRow(row: Record<string, unknown>): Promise<void>;
    close(): Promise<void>;
  }
  const parquet: { ParquetSchema: typeof ParquetSchema; ParquetWriter: typeof ParquetWriter };
  export default parquet;
}
