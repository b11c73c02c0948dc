import { errAsync, okAsync } from 'neverthrow';
import type { WatermarkStore } from '../contracts/pipeline.js';
import type { Watermark } from '../contracts/window.js';
import { floeError } from '../errors.js';
import { joinKey, watermarkKey } from '../util/keys.js';
import { lazyClient, S3Objects, type S3ClientSource, type S3Encryption } from './s3-objects.js';

/** Options of {@link createS3WatermarkStore}. */
export interface S3WatermarkStoreOptions {
  readonly client: S3ClientSource;
  readonly bucket: string;
  readonly prefix: string;
  readonly sse?: S3Encryption;
}

/** The stored document: the watermark plus which run set it and when. */
interface WatermarkDocument {
  readonly version: 1;
  readonly table: string;
  readonly watermark: Watermark;
  readonly runId: string;
  readonly updatedAt: string;
}

/** Keeps each table's cursor watermark next to its data, at `<prefix>/<table>/_watermark.json`. */
export function createS3WatermarkStore(options: S3WatermarkStoreOptions): WatermarkStore {
  const prefix = joinKey(options.prefix);
  const objects = new S3Objects(lazyClient(options.client), options.bucket, options.sse);
  return {
    get: (table) => {
      const key = watermarkKey(prefix, table);
      return objects.getText(key).andThen((text) => {
        if (text === null) return okAsync(null);
        try {
          const doc = JSON.parse(text) as Partial<WatermarkDocument>;
          const w = doc.watermark;
          if (doc.version === 1 && w && typeof w.column === 'string' && typeof w.value === 'string') return okAsync({ column: w.column, value: w.value });
        } catch {
          // fall through to the error below
        }
        return errAsync(floeError('config', `The watermark s3://${options.bucket}/${key} is not a floe watermark document.`, 'Fix or delete it (deleting makes the next cursor run start from the beginning).', { object: `s3://${options.bucket}/${key}` }));
      });
    },
    set: (table, watermark, runId) => {
      const doc: WatermarkDocument = { version: 1, table, watermark, runId, updatedAt: new Date().toISOString() };
      return objects.putJson(watermarkKey(prefix, table), doc);
    },
  };
}
