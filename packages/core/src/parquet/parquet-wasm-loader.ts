import type * as ParquetWasm from 'parquet-wasm';

let loaded: Promise<typeof ParquetWasm> | undefined;

/**
 * Loads parquet-wasm once, on first use, so importing floe (or a Lambda bundle that only writes
 * CSV) does not read the 3 MB wasm file. The package's `node` export condition picks its CommonJS
 * build, which reads `parquet_wasm_bg.wasm` next to itself synchronously: no init call, and it
 * works the same from ESM, CJS and a tsup bundle that keeps `parquet-wasm` external (the default
 * for dependencies).
 */
export function loadParquetWasm(): Promise<typeof ParquetWasm> {
  loaded ??= import('parquet-wasm');
  return loaded;
}
