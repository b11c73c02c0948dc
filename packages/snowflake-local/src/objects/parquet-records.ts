/**
 * Reads a staged Parquet file into rows of JSON text per column, through a private DuckDB
 * instance (an independent, exact Parquet reader: DECIMAL stays digit text, never a float).
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SnowflakeSqlError } from './snowflake-error.js';

export interface ParquetRows {
  readonly columns: readonly string[];
  /** Per row, per column: JSON text of the value (`null` for NULL). */
  readonly rows: ReadonlyArray<ReadonlyArray<string>>;
}

const JSON_NUMBER = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/;
const NESTED = /(\[\]|^STRUCT|^MAP|^LIST|^UNION)/;

export class ParquetReader {
  private connection: Promise<DuckDBConnection> | undefined;
  private instance: DuckDBInstance | undefined;

  private connect(): Promise<DuckDBConnection> {
    this.connection ??= (async () => {
      this.instance = await DuckDBInstance.create(':memory:');
      const c = await this.instance.connect();
      // TIMESTAMPTZ values are rendered in UTC whatever the machine's zone.
      await c.run("SET TimeZone = 'UTC'");
      return c;
    })();
    return this.connection;
  }

  async read(bytes: Uint8Array, file: string, binaryAsText: boolean): Promise<ParquetRows> {
    const dir = await mkdtemp(join(tmpdir(), 'sflocal-parquet-'));
    const path = join(dir, 'file.parquet');
    try {
      await writeFile(path, bytes);
      const c = await this.connect();
      const source = `read_parquet('${path.replace(/'/g, "''")}', binary_as_string = ${binaryAsText ? 'true' : 'false'})`;
      const described = (await c.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`)).getRowsJS();
      const cols = described.map((r) => ({ name: String(r[0]), type: String(r[1]).toUpperCase() }));
      if (cols.length === 0) return { columns: [], rows: [] };
      const selects = cols.map((col) => {
        const q = `"${col.name.replace(/"/g, '""')}"`;
        if (NESTED.test(col.type)) return `CAST(to_json(${q}) AS VARCHAR)`;
        if (col.type === 'BLOB') return `hex(${q})`;
        return `CAST(${q} AS VARCHAR)`;
      });
      const rows = (await c.runAndReadAll(`SELECT ${selects.join(', ')} FROM ${source}`)).getRowsJS();
      return {
        columns: cols.map((c2) => c2.name),
        rows: rows.map((r) =>
          r.map((v, k) => {
            if (v === null || v === undefined) return 'null';
            const type = cols[k]?.type ?? 'VARCHAR';
            const s = String(v);
            if (NESTED.test(type)) return s;
            if (JSON_NUMBER.test(type)) return /^-?(inf|nan)/i.test(s) ? JSON.stringify(s) : s;
            if (type === 'BOOLEAN') return s === 'true' ? 'true' : 'false';
            return JSON.stringify(s);
          }),
        ),
      };
    } catch (e) {
      if (e instanceof SnowflakeSqlError) throw e;
      const detail = e instanceof Error ? e.message.split('\n')[0] : String(e);
      throw new SnowflakeSqlError(`Error parsing the parquet file: ${detail}\n  File '${file}'`, '100152', '22000');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  close(): void {
    this.instance?.closeSync();
    this.connection = undefined;
    this.instance = undefined;
  }
}
