/**
 * Splits CSV text into records the way Snowflake's CSV reader does, keeping what a general CSV
 * library throws away: whether a field was enclosed (so `""` stays an empty string while an
 * unenclosed empty field becomes NULL), and the line and character where each field starts (COPY
 * reports them for the first error).
 */
import type { CsvFormat } from './file-format-options.js';

export interface CsvField {
  /** The field's value after unescaping, or null when NULL_IF / EMPTY_FIELD_AS_NULL made it NULL. */
  readonly value: string | null;
  readonly quoted: boolean;
  /** 1-based character position of the field within its line. */
  readonly character: number;
}

export interface CsvRecord {
  readonly fields: readonly CsvField[];
  /** 1-based physical line on which the record starts. */
  readonly line: number;
  /** Set when the record could not be parsed (e.g. an enclosure never closed). */
  readonly error?: string;
}

/** Yields records (header lines included: the caller skips SKIP_HEADER records). */
export function* csvRecords(text: string, f: CsvFormat): Generator<CsvRecord> {
  const fd = f.fieldDelimiter;
  const rd = f.recordDelimiter;
  const q = f.fieldOptionallyEnclosedBy;
  const esc = f.escape;
  const escU = f.escapeUnenclosedField;
  const n = text.length;
  let i = 0;
  let line = 1;
  let lineStart = 0;

  // `\n` as record delimiter also ends a record at `\r\n` (files written on Windows).
  const atRecordEnd = (k: number): number => {
    if (rd === null) return 0;
    if (rd === '\n' && text[k] === '\r' && text[k + 1] === '\n') return 2;
    return text.startsWith(rd, k) ? rd.length : 0;
  };
  const atFieldEnd = (k: number): number => (fd !== null && text.startsWith(fd, k) ? fd.length : 0);
  const countNewlines = (from: number, to: number): void => {
    for (let k = from; k < to; k += 1) {
      if (text[k] === '\n') {
        line += 1;
        lineStart = k + 1;
      }
    }
  };

  while (i < n) {
    const recordLine = line;
    const fields: CsvField[] = [];
    let error: string | undefined;
    let recordDone = false;
    while (!recordDone) {
      let k = i;
      if (f.trimSpace) while (text[k] === ' ' || text[k] === '\t') k += 1;
      const character = k - lineStart + 1;
      if (q !== null && text.startsWith(q, k)) {
        // Enclosed field: the enclosure doubled, or ESCAPE + any character, stands for itself.
        let value = '';
        k += q.length;
        let closed = false;
        while (k < n) {
          if (esc !== null && text.startsWith(esc, k) && k + esc.length < n) {
            value += text[k + esc.length];
            k += esc.length + 1;
          } else if (text.startsWith(q, k)) {
            if (text.startsWith(q, k + q.length)) {
              value += q;
              k += 2 * q.length;
            } else {
              k += q.length;
              closed = true;
              break;
            }
          } else {
            value += text[k];
            k += 1;
          }
        }
        countNewlines(i, k);
        if (!closed) {
          error = 'End of file reached while an enclosed field was still open';
          fields.push({ value, quoted: true, character });
          i = n;
          break;
        }
        if (f.trimSpace) while (text[k] === ' ' || text[k] === '\t') k += 1;
        // NULL_IF applies to enclosed values too (so `"NA"` is NULL when NA is listed).
        fields.push({ value: f.nullIf.includes(value) ? null : value, quoted: true, character });
        const fe = atFieldEnd(k);
        const re = atRecordEnd(k);
        if (fe > 0) i = k + fe;
        else if (re > 0 || k >= n) {
          countNewlines(k, k + re);
          i = k + re;
          recordDone = true;
        } else {
          error = `Found character '${text[k] ?? ''}' instead of field delimiter '${fd ?? ''}'`;
          // Resynchronise at the end of the line so one bad record does not swallow the file.
          let e = k;
          while (e < n && atRecordEnd(e) === 0) e += 1;
          const len = atRecordEnd(e);
          countNewlines(k, e + len);
          i = e + len;
          recordDone = true;
        }
      } else {
        let raw = '';
        let value = '';
        let end = 0;
        for (;;) {
          if (k >= n) break;
          const fe = atFieldEnd(k);
          if (fe > 0) {
            end = fe;
            break;
          }
          const re = atRecordEnd(k);
          if (re > 0) {
            end = -re;
            break;
          }
          if (escU !== null && text.startsWith(escU, k) && k + escU.length < n) {
            const c = text[k + escU.length] as string;
            raw += escU + c;
            value += c;
            k += escU.length + 1;
          } else {
            raw += text[k];
            value += text[k];
            k += 1;
          }
        }
        if (f.trimSpace) {
          raw = raw.trim();
          value = value.trim();
        }
        // NULL_IF compares the field as written (so the default `\N` matches before unescaping).
        const isNull = f.nullIf.includes(raw) || f.nullIf.includes(value) || (value === '' && raw === '' && f.emptyFieldAsNull);
        fields.push({ value: isNull ? null : value, quoted: false, character });
        countNewlines(i, k);
        if (end > 0) i = k + end;
        else {
          countNewlines(k, k - end);
          i = k - end;
          recordDone = true;
        }
      }
      if (i >= n && !recordDone) {
        // A field delimiter at the very end still opens one more (empty) field.
        fields.push({ value: f.emptyFieldAsNull ? null : '', quoted: false, character: i - lineStart + 1 });
        recordDone = true;
      }
    }
    const blank = fields.length === 1 && fields[0]?.quoted === false && (fields[0].value === null || fields[0].value === '') && fields[0].character === 1;
    if (blank && f.skipBlankLines) continue;
    yield error === undefined ? { fields, line: recordLine } : { fields, line: recordLine, error };
  }
}
