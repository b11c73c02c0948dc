export type { ColumnSchema, TableSchema } from './schema.js';
export type { ExtractWindow, Watermark } from './window.js';
export type { FileFormat, Manifest, ManifestFile, RunId } from './run.js';
export type { ColumnBatch, Extraction, Extractor, RowEncoding, RowStream } from './extractor.js';
export type { PartBounds, PartStats, SerializedPart, Serializer } from './serializer.js';
export type { RunLocation, Uploader } from './uploader.js';
export type { PlannedStep, ProvisionPlan, ProvisionReport, SnowflakeProvisioner } from './provisioner.js';
export type { ExtractJob, RunExtract, RunProgress, RunReport, WatermarkStore } from './pipeline.js';
