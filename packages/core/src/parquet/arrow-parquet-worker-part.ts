import * as arrow from 'apache-arrow';
import type { TableSchema } from '../contracts/schema.js';
import { floeError } from '../errors.js';
import { arrowGroupFromText, type NextArrowGroup, type ParquetCompression } from './arrow-parquet-part.js';
import { arrowType } from './arrow-columns.js';
import type { ParquetColumnKind } from './parquet-column-kind.js';
import { startParquetWorker, type WorkerMessage } from './parquet-wasm-worker.js';

/** Encoded bytes waiting for the consumer before the worker is given another batch (kept small: a chunk that waits long outlives young collections, and its memory then waits for a full one). */
const OUTPUT_HIGH_WATER = 2 * 1024 * 1024;

/**
 * Writes one Parquet file like {@link writeArrowParquetPart}, but parquet-wasm encodes in a worker
 * thread while this thread decodes the next batch: two cores instead of one. `next` hands over
 * batches (`ARROW_BATCH_ROWS` rows), not row groups: the worker's writer cuts row groups of
 * `rowGroupRows` itself, so this thread never holds a row group. Each batch is written as Arrow IPC
 * into one of two shared buffers as soon as it is decoded (so the decoder can reuse its buffers);
 * the worker copies it into its wasm memory when it asks. One batch waits ready ahead, and none is
 * handed over while more than 2 MiB of output waits for the consumer, so memory stays about two
 * batches plus one encoded row group, allocated once, whatever the table's size.
 */
export async function* writeArrowParquetPartInWorker(schema: TableSchema, kinds: readonly ParquetColumnKind[], compression: ParquetCompression, rowGroupRows: number, next: NextArrowGroup): AsyncGenerator<Uint8Array> {
  const fields = schema.columns.map((c, i) => new arrow.Field(c.name, arrowType(kinds[i]!), true));
  const arrowSchema = new arrow.Schema(fields);
  // Two shared buffers, used in turn: the worker copies batch k into its wasm memory before it asks
  // for batch k+1, so k+1 is written while it reads k, and k+2 over k. Not a new IPC buffer per
  // batch: a dead ArrayBuffer is only freed by a GC, which V8 starts after tens of MB of them in each
  // thread (a worker that allocates little JS may wait longer), so per-batch buffers made the peak
  // climb with the batches in flight and with how the two threads were scheduled.
  const slots = [new IpcSlot(), new IpcSlot()];
  let turn = 0;
  let sentAny = false;
  // An empty file still needs one (empty) batch to carry the schema.
  const produce = async (): Promise<Uint8Array | null> => {
    const taken = await next();
    if (taken === null && sentAny) return null;
    sentAny = true;
    const group = taken ?? arrowGroupFromText(schema, kinds, { rowCount: 0, columns: schema.columns.map(() => []) });
    const struct = arrow.makeData({ type: new arrow.Struct(fields), length: group.rowCount, nullCount: 0, children: [...group.children] });
    const writer = arrow.RecordBatchStreamWriter.writeAll(new arrow.Table([new arrow.RecordBatch(arrowSchema, struct)]));
    // The writer's chunks are views of the batch's own buffers: gather them, then copy once.
    const chunks: Uint8Array[] = [];
    for await (const chunk of writer) chunks.push(chunk);
    const slot = slots[turn++ % 2]!;
    return slot.fill(chunks);
  };

  const worker = startParquetWorker(compression, rowGroupRows);
  const output: Uint8Array[] = [];
  let queued = 0;
  let finished = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  let pullPending = false;
  let ahead: Promise<Uint8Array | null> | undefined;
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
    const coming = ahead ?? produce();
    ahead = undefined;
    coming.then(
      (ipc) => {
        if (ipc === null) {
          ended = true;
          worker.postMessage({ type: 'end' });
          return;
        }
        worker.postMessage({ type: 'group', ipc });
        // Decode the next batch while the worker encodes this one.
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

/** One reusable shared buffer holding one batch's Arrow IPC stream for the worker. */
class IpcSlot {
  #bytes = new Uint8Array(new SharedArrayBuffer(4 * 1024 * 1024));

  /** Copies the chunks in (growing the buffer if they do not fit); a view of the bytes written. */
  fill(chunks: readonly Uint8Array[]): Uint8Array {
    let size = 0;
    for (const c of chunks) size += c.byteLength;
    if (size > this.#bytes.length) this.#bytes = new Uint8Array(new SharedArrayBuffer(Math.ceil(size * 1.25)));
    let at = 0;
    for (const c of chunks) {
      this.#bytes.set(c, at);
      at += c.byteLength;
    }
    return this.#bytes.subarray(0, size);
  }
}
