import * as arrow from 'apache-arrow';
import type { TableSchema } from '../contracts/schema.js';
import { buildArrowColumn, arrowType } from './arrow-columns.js';
import type { ArrowRowGroup } from './csv-row-group-reader.js';
import type { ParquetColumnKind } from './parquet-column-kind.js';
import { loadParquetWasm } from './parquet-wasm-loader.js';
import type { RowGroupValues } from './row-group-reader.js';

/** What the text-based part writer asks for next: a row group, or null to close the file. */
export type NextRowGroup = () => Promise<RowGroupValues | null>;

/** What the Arrow part writer asks for next: a row group already built as Arrow data, or null. */
export type NextArrowGroup = () => Promise<ArrowRowGroup | null>;

/** Builds a text row group's Arrow columns (exact, or a FloeError naming the column). */
export function arrowGroupFromText(schema: TableSchema, kinds: readonly ParquetColumnKind[], group: RowGroupValues): ArrowRowGroup {
  return { rowCount: group.rowCount, children: schema.columns.map((c, i) => buildArrowColumn(c, kinds[i]!, group.columns[i]!)) };
}

export type ParquetCompression = 'snappy' | 'zstd' | 'none';

/**
 * Rows the `arrow` engine decodes and hands to parquet-wasm at a time. The writer still cuts row
 * groups of `rowGroupRows` (it joins batches), so this only sets how much Arrow data is in flight:
 * about 2 MB per batch of sales rows instead of a whole row group. Measured on 1M sales rows: the
 * worker's wasm memory peaks at 21 MiB with 8192 (26 with 16384, ~30 with whole 100k groups); 4096
 * saved nothing more and costs more messages.
 */
export const ARROW_BATCH_ROWS = 8_192;

/**
 * Writes one Parquet file with parquet-wasm's streaming writer: each row group is built as Arrow
 * data, handed over as one record batch, and its encoded bytes come out before the next is asked
 * for, so memory holds about one row group.
 */
export async function* writeArrowParquetPart(schema: TableSchema, kinds: readonly ParquetColumnKind[], compression: ParquetCompression, rowGroupRows: number, next: NextArrowGroup): AsyncGenerator<Uint8Array> {
  const pw = await loadParquetWasm();
  const fields = schema.columns.map((c, i) => new arrow.Field(c.name, arrowType(kinds[i]!), true));
  const arrowSchema = new arrow.Schema(fields);
  let failure: unknown;
  let sentAny = false;

  const toWasmBatches = (group: ArrowRowGroup) => {
    const struct = arrow.makeData({ type: new arrow.Struct(fields), length: group.rowCount, nullCount: 0, children: [...group.children] });
    const table = new arrow.Table([new arrow.RecordBatch(arrowSchema, struct)]);
    const wasmTable = pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream'));
    try {
      return wasmTable.recordBatches();
    } finally {
      wasmTable.free();
    }
  };

  const input = new ReadableStream({
    pull: async (controller) => {
      try {
        const group = await next();
        // An empty file still needs one (empty) batch to carry the schema.
        if (group === null && sentAny) return controller.close();
        for (const b of toWasmBatches(group ?? arrowGroupFromText(schema, kinds, { rowCount: 0, columns: schema.columns.map(() => []) }))) controller.enqueue(b);
        sentAny = true;
        if (group === null) controller.close();
      } catch (e) {
        failure ??= e;
        controller.error(e);
      }
    },
  });
  const codec = compression === 'zstd' ? pw.Compression.ZSTD : compression === 'none' ? pw.Compression.UNCOMPRESSED : pw.Compression.SNAPPY;
  const props = new pw.WriterPropertiesBuilder().setCompression(codec).setMaxRowGroupSize(rowGroupRows).setCreatedBy('floe').build();
  try {
    const output = (await pw.transformParquetStream(input, props)) as ReadableStream<Uint8Array>;
    for await (const chunk of output) yield chunk;
  } catch (e) {
    // The writer reports our own failure (an unsupported value) wrapped: surface the original.
    throw failure ?? e;
  }
  if (failure !== undefined) throw failure;
}
