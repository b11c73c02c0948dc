export { freePort } from './free-port.js';
export { startPostgres, type LocalPostgres, type StartPostgresOptions } from './postgres.js';
export { startS3, type LocalS3, type S3ObjectEvent, type StartS3Options } from './s3.js';
export { salesCsvPath, workspaceRoot, SALES_CSV_MISSING } from './shared-data.js';
