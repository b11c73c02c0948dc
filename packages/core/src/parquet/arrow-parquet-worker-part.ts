import * as arrow from 'apache-arrow';
import type { TableSchema } from '../contracts/schema.js';
import { floeError } from '../errors.js';
import { arrowGroupFromText, type NextArrowGroup, type ParquetCompression } from './arrow-parquet-part.js';
import { arrowType } from './arrow-columns.js';
import type { ParquetColumnKind } from './parquet-column-kind.js';
import { startParquetWorker, type WorkerMessage } from './parquet-wasm-worker.js';

/** Encoded bytes waiting for the consumer before the worker is given another row group. */
const OUTPUT_HIGH_WATER = 16 * 1024 * 1024;
/**
 * Rows per IPC message. The writer still makes row groups of `rowGroupRows`; smaller messages
 * keep each copy into the worker's wasm memory small, and wasm memory never shrinks.
 */
const SLICE_ROWS = 16_384;

/**
 * Writes one Parquet file like {@link writeArrowParquetPart}, but parquet-wasm encodes in a worker
 * thread while this thread decodes the next row group: two cores instead of one. The worker pulls
 * one row group at a time (as Arrow IPC, its buffer moved, not copied); one more is decoded ahead,
 * and none is handed over while more than 16 MiB of output waits for the consumer, so memory holds
 * about three row groups whatever the table's size.
 */
export async function* writeArrowParquetPartInWorker(schema: TableSchema, kinds: readonly ParquetColumnKind[], compression: ParquetCompression, rowGroupRows: number, next: NextArrowGroup): AsyncGenerator<Uint8Array> {
  const fields = schema.columns.map((c, i) => new arrow.Field(c.name, arrowType(kinds[i]!), true));
  const arrowSchema = new arrow.Schema(fields);
  /** A decoded row group, encoded to IPC one slice at a time as the worker asks for it. */
  interface Pending {
    readonly struct: arrow.Data<arrow.Struct>;
    offset: number;
  }
  const sliceIpc = (p: Pending): Uint8Array => {
    const slice = p.struct.slice(p.offset, Math.min(SLICE_ROWS, p.struct.length - p.offset));
    p.offset += SLICE_ROWS;
    return arrow.tableToIPC(new arrow.Table([new arrow.RecordBatch(arrowSchema, slice)]), 'stream');
  };
  let sentAny = false;
  // An empty file still needs one (empty) batch to carry the schema.
  const produce = async (): Promise<Pending | null> => {
    const taken = await next();
    if (taken === null && sentAny) return null;
    sentAny = true;
    const group = taken ?? arrowGroupFromText(schema, kinds, { rowCount: 0, columns: schema.columns.map(() => []) });
    return { struct: arrow.makeData({ type: new arrow.Struct(fields), length: group.rowCount, nullCount: 0, children: [...group.children] }), offset: 0 };
  };
  let current: Pending | undefined;

  const worker = startParquetWorker(compression, rowGroupRows);
  const output: Uint8Array[] = [];
  let queued = 0;
  let finished = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  let pullPending = false;
  let ahead: Promise<Pending | null> | undefined;
  let ended = false;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const fail = (e: unknown) => {
    failure ??= e;
    notify();
  };
  const answerPull = () => {
    if (!pullPending || queued > OUTPUT_HIGH_WATER || failure !== undefined) return;
    pullPending = false;
    const send = (ipc: Uint8Array) => worker.postMessage({ type: 'group', ipc }, [ipc.buffer as ArrayBuffer]);
    if (current !== undefined && current.offset < current.struct.length) return send(sliceIpc(current));
    const coming = ahead ?? produce();
    ahead = undefined;
    coming.then(
      (group) => {
        if (group === null) {
          ended = true;
          worker.postMessage({ type: 'end' });
          return;
        }
        current = group;
        send(sliceIpc(group));
        // Decode the next row group while the worker encodes this one.
        ahead = produce();
        ahead.catch(fail);
      },
      fail,
    );
  };
  worker.on('message', (m: WorkerMessage) => {
    if (m.type === 'pull') {
      pullPending = true;
      answerPull();
    } else if (m.type === 'chunk') {
      output.push(m.bytes);
      queued += m.bytes.byteLength;
      notify();
    } else if (m.type === 'done') {
      finished = true;
      notify();
    } else {
      fail(floeError('serialize', `parquet-wasm failed writing ${schema.schema}.${schema.name}: ${m.message}`, 'Report this with the table schema; the run is discarded and can be re-run.', { object: `${schema.schema}.${schema.name}` }));
    }
  });
  worker.on('error', fail);
  worker.on('exit', (code) => {
    if (!finished) fail(floeError('serialize', `The Parquet worker stopped (exit code ${code}) before ${schema.schema}.${schema.name}'s file was complete.`, 'Check memory limits; the run is discarded and can be re-run.', { object: `${schema.schema}.${schema.name}` }));
  });
  try {
    for (;;) {
      if (failure !== undefined) throw failure;
      const chunk = output.shift();
      if (chunk !== undefined) {
        queued -= chunk.byteLength;
        answerPull();
        yield chunk;
        continue;
      }
      if (finished) break;
      await new Promise<void>((resolve) => (wake = resolve));
    }
    if (!ended) throw floeError('internal', `The Parquet worker finished ${schema.schema}.${schema.name} before all rows were handed over.`, 'Report this as a floe bug; the run is discarded.', { object: `${schema.schema}.${schema.name}` });
  } finally {
    await worker.terminate();
  }
}
