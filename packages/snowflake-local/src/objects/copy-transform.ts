/**
 * Evaluates a COPY transformation's select list for one staged record. Values stay text (or JSON
 * text for VARIANTs) so decimals are never rounded through a JS number.
 */
import type { CopyExpr } from './copy-statement.js';
import { notEmulated } from './snowflake-error.js';
import { castValue, CastError, parseColumnType, scalarText, type LoadValue } from './value-casts.js';

/** One staged record as a transformation sees it. */
export interface StagedRecord {
  /** `$n` (1-based). For Parquet, `$1` is the whole row as an OBJECT. */
  field(n: number): LoadValue;
  /** Named column of a Parquet row (`$1:"name"`), JSON text; undefined when the row has no such column. */
  column?(name: string): LoadValue | undefined;
  /** METADATA$... values. */
  meta(name: string): LoadValue;
}

export interface TransformEnv {
  /** CURRENT_TIMESTAMP for the whole statement, as TIMESTAMP_LTZ text. */
  readonly now: Date;
  readonly binaryFormat: 'HEX' | 'BASE64' | 'UTF8';
}

export function evaluate(e: CopyExpr, r: StagedRecord, env: TransformEnv): LoadValue {
  switch (e.k) {
    case 'literal':
      return e.v;
    case 'field':
      return r.field(e.n);
    case 'meta':
      return r.meta(e.name);
    case 'element': {
      if (e.base.k === 'field' && e.base.n === 1 && r.column !== undefined && typeof e.path[0] === 'string') {
        const first = r.column(e.path[0]);
        return walk(first ?? null, e.path.slice(1));
      }
      return walk(evaluate(e.base, r, env), e.path);
    }
    case 'cast': {
      const v = evaluate(e.e, r, env);
      const out = castValue(v, e.type, env.binaryFormat);
      if (out === null) return null;
      return e.type.base === 'VARIANT' || e.type.base === 'OBJECT' || e.type.base === 'ARRAY' ? { t: 'json', v: out } : { t: 'text', v: out };
    }
    case 'call':
      return call(e.name, e.args.map((a) => evaluate(a, r, env)), env);
  }
}

/** Walks a VARIANT path; JSON.parse is used only to navigate, the leaf keeps its exact text. */
function walk(v: LoadValue, path: readonly (string | number)[]): LoadValue {
  let cur = v;
  for (const step of path) {
    if (cur === null) return null;
    if (cur.t !== 'json') return null;
    const sub = memberText(cur.v, step);
    cur = sub === undefined ? null : { t: 'json', v: sub };
  }
  return cur;
}

/** The exact source text of one member of a JSON object/array (numbers keep every digit). */
function memberText(json: string, step: string | number): string | undefined {
  let i = 0;
  const ws = (): void => {
    while (/\s/.test(json[i] ?? '')) i += 1;
  };
  const skipValue = (): void => {
    ws();
    const c = json[i];
    if (c === '"') {
      i += 1;
      while (i < json.length && json[i] !== '"') i += json[i] === '\\' ? 2 : 1;
      i += 1;
    } else if (c === '{' || c === '[') {
      let depth = 0;
      do {
        const d = json[i];
        if (d === '"') {
          i += 1;
          while (i < json.length && json[i] !== '"') i += json[i] === '\\' ? 2 : 1;
        } else if (d === '{' || d === '[') depth += 1;
        else if (d === '}' || d === ']') depth -= 1;
        i += 1;
      } while (depth > 0 && i < json.length);
    } else {
      while (i < json.length && !/[,}\]\s]/.test(json[i] as string)) i += 1;
    }
  };
  ws();
  if (typeof step === 'string' && json[i] === '{') {
    i += 1;
    for (;;) {
      ws();
      if (json[i] !== '"') return undefined;
      const keyStart = i;
      skipValue();
      const key = JSON.parse(json.slice(keyStart, i)) as string;
      ws();
      i += 1; // ':'
      ws();
      const valueStart = i;
      skipValue();
      if (key === step) return json.slice(valueStart, i);
      ws();
      if (json[i] !== ',') return undefined;
      i += 1;
    }
  }
  if (typeof step === 'number' && json[i] === '[') {
    i += 1;
    for (let k = 0; ; k += 1) {
      ws();
      if (json[i] === ']') return undefined;
      const valueStart = i;
      skipValue();
      if (k === step) return json.slice(valueStart, i);
      ws();
      if (json[i] !== ',') return undefined;
      i += 1;
    }
  }
  return undefined;
}

const CAST_FUNCTIONS: Record<string, string> = {
  TO_DATE: 'DATE',
  DATE: 'DATE',
  TO_TIME: 'TIME',
  TO_TIMESTAMP: 'TIMESTAMP_NTZ',
  TO_TIMESTAMP_NTZ: 'TIMESTAMP_NTZ',
  TO_TIMESTAMP_LTZ: 'TIMESTAMP_LTZ',
  TO_TIMESTAMP_TZ: 'TIMESTAMP_TZ',
  TO_VARCHAR: 'VARCHAR',
  TO_CHAR: 'VARCHAR',
  TO_BOOLEAN: 'BOOLEAN',
  TO_DOUBLE: 'DOUBLE',
  TO_VARIANT: 'VARIANT',
  TO_BINARY: 'BINARY',
};

function call(name: string, args: readonly LoadValue[], env: TransformEnv): LoadValue {
  const text = (k: number): string | null => scalarText(args[k] ?? null);
  switch (name) {
    case 'PARSE_JSON':
    case 'TRY_PARSE_JSON': {
      const s = text(0);
      if (s === null || s.trim() === '') return null;
      try {
        JSON.parse(s);
      } catch (err) {
        if (name === 'TRY_PARSE_JSON') return null;
        throw new CastError(`Error parsing JSON: ${err instanceof Error ? err.message : String(err)}`, '100069');
      }
      return { t: 'json', v: s.trim() };
    }
    case 'CURRENT_TIMESTAMP':
    case 'SYSDATE':
    case 'LOCALTIMESTAMP':
    case 'GETDATE': {
      const iso = env.now.toISOString();
      return { t: 'text', v: `${iso.slice(0, 10)} ${iso.slice(11, 23)}000000 +00:00` };
    }
    case 'CURRENT_DATE':
      return { t: 'text', v: env.now.toISOString().slice(0, 10) };
    case 'REGEXP_SUBSTR': {
      const subject = text(0);
      const pattern = text(1);
      if (subject === null || pattern === null) return null;
      const position = Number(text(2) ?? '1');
      const occurrence = Number(text(3) ?? '1');
      const params = text(4) ?? 'c';
      const extract = params.includes('e') || args.length > 5;
      const group = args.length > 5 ? Number(text(5)) : extract ? 1 : 0;
      const flags = `g${params.includes('i') ? 'i' : ''}${params.includes('m') ? 'm' : ''}${params.includes('s') ? 's' : ''}`;
      const re = new RegExp(pattern, flags);
      const hay = subject.slice(position - 1);
      let m: RegExpExecArray | null = null;
      for (let k = 0; k < occurrence; k += 1) {
        m = re.exec(hay);
        if (m === null) return null;
      }
      const g = m?.[group];
      return g === undefined ? null : { t: 'text', v: g };
    }
    case 'TRIM':
    case 'LTRIM':
    case 'RTRIM': {
      const s = text(0);
      if (s === null) return null;
      return { t: 'text', v: name === 'TRIM' ? s.trim() : name === 'LTRIM' ? s.trimStart() : s.trimEnd() };
    }
    case 'UPPER':
    case 'LOWER': {
      const s = text(0);
      return s === null ? null : { t: 'text', v: name === 'UPPER' ? s.toUpperCase() : s.toLowerCase() };
    }
    case 'NULLIF': {
      const a = text(0);
      return a !== null && a === text(1) ? null : (args[0] ?? null);
    }
    case 'COALESCE':
    case 'IFNULL':
    case 'NVL':
      return args.find((a) => a !== null) ?? null;
    case 'CONCAT': {
      const parts = args.map((_, k) => text(k));
      return parts.some((p) => p === null) ? null : { t: 'text', v: parts.join('') };
    }
    case 'TO_NUMBER':
    case 'TO_DECIMAL':
    case 'TO_NUMERIC': {
      const p = args.length > 1 ? text(1) : '38';
      const s = args.length > 2 ? text(2) : '0';
      const type = parseColumnType(`NUMBER(${p ?? '38'},${s ?? '0'})`);
      const out = type === undefined ? null : castValue(args[0] ?? null, type);
      return out === null ? null : { t: 'text', v: out };
    }
    default: {
      const target = CAST_FUNCTIONS[name];
      if (target === undefined) throw notEmulated(`Function ${name} in a COPY transformation`);
      if (args.length !== 1 && !(name === 'TO_BINARY' && args.length === 2)) throw notEmulated(`${name} with a format argument in a COPY transformation`);
      const type = parseColumnType(target);
      if (type === undefined) return null;
      const fmt = name === 'TO_BINARY' ? ((text(1) ?? env.binaryFormat).toUpperCase() as 'HEX' | 'BASE64' | 'UTF8') : env.binaryFormat;
      const out = castValue(args[0] ?? null, type, fmt);
      if (out === null) return null;
      return type.base === 'VARIANT' ? { t: 'json', v: out } : { t: 'text', v: out };
    }
  }
}
