import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * The worker's code, plain CommonJS run with `eval` (so it works the same from the TypeScript
 * sources under vitest and from the ESM and CJS builds): it only loads parquet-wasm, pulls Arrow
 * IPC batches from the main thread as the writer asks for them (views of shared memory the main
 * thread reuses once the next pull comes, so each is copied into wasm memory before pulling again),
 * and moves the file's bytes back.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const pw = require(workerData.parquetWasm);
let answer;
parentPort.on('message', (m) => { const a = answer; answer = undefined; if (a) a(m); });
const input = new ReadableStream({
  async pull(controller) {
    const m = await new Promise((resolve) => { answer = resolve; parentPort.postMessage({ type: 'pull' }); });
    if (m.type === 'end') return controller.close();
    const table = pw.Table.fromIPCStream(m.ipc);
    try { for (const b of table.recordBatches()) controller.enqueue(b); } finally { table.free(); }
  },
});
const codec = workerData.compression === 'zstd' ? pw.Compression.ZSTD : workerData.compression === 'none' ? pw.Compression.UNCOMPRESSED : pw.Compression.SNAPPY;
const props = new pw.WriterPropertiesBuilder().setCompression(codec).setMaxRowGroupSize(workerData.rowGroupRows).setCreatedBy('floe').build();
(async () => {
  try {
    const out = await pw.transformParquetStream(input, props);
    for await (const chunk of out) {
      // Moved, not copied, unless it is a view of the wasm memory (that must stay here).
      const own = chunk.buffer !== pw.wasmMemory().buffer && !(chunk.buffer instanceof SharedArrayBuffer) && chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength;
      parentPort.postMessage({ type: 'chunk', bytes: chunk }, own ? [chunk.buffer] : []);
    }
    parentPort.postMessage({ type: 'done' });
  } catch (e) {
    parentPort.postMessage({ type: 'error', message: String((e && e.message) || e) });
  }
})();
`;

let parquetWasmPath: string | undefined;

// Resolved from this module, so the worker loads the very copy floe depends on. The CommonJS
// build has `__filename` (its import.meta is empty); the ESM build and the sources have import.meta.
function resolveParquetWasm(): string {
  parquetWasmPath ??= createRequire(typeof __filename === 'string' ? __filename : import.meta.url).resolve('parquet-wasm');
  return parquetWasmPath;
}

/**
 * Whether parquet-wasm can be loaded by path in a worker. A bundle that inlined parquet-wasm (no
 * package on disk) cannot: the serializer then encodes on the calling thread.
 */
export function parquetWorkerAvailable(): boolean {
  try {
    resolveParquetWasm();
    return true;
  } catch {
    return false;
  }
}

/** Messages the worker posts. */
export type WorkerMessage = { type: 'pull' } | { type: 'chunk'; bytes: Uint8Array } | { type: 'done' } | { type: 'error'; message: string };

/** Starts one Parquet-writing worker for one file. */
export function startParquetWorker(compression: string, rowGroupRows: number): Worker {
  return new Worker(WORKER_SOURCE, { eval: true, workerData: { parquetWasm: resolveParquetWasm(), compression, rowGroupRows } });
}
