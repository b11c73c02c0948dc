/**
 * Parses `COPY INTO <table> [(cols)] FROM @stage[/path] | (SELECT ... FROM @stage[/path]) [options]`
 * into a plan the loader (bulk COPY and pipes alike) executes.
 */
import { compilationError, notEmulated } from './snowflake-error.js';
import { TokenCursor, type OptionMap } from './sql-tokens.js';
import { parseColumnType, type ColumnType, type LoadValue } from './value-casts.js';

/** An expression of a COPY transformation's select list. */
export type CopyExpr =
  | { readonly k: 'field'; readonly n: number }
  | { readonly k: 'element'; readonly base: CopyExpr; readonly path: readonly (string | number)[] }
  | { readonly k: 'cast'; readonly e: CopyExpr; readonly type: ColumnType }
  | { readonly k: 'call'; readonly name: string; readonly args: readonly CopyExpr[] }
  | { readonly k: 'literal'; readonly v: LoadValue }
  | { readonly k: 'meta'; readonly name: string };

export interface CopyStatement {
  /** The target table as written. */
  readonly target: string;
  readonly columns: readonly string[] | undefined;
  /** The stage name as written (without `@`). */
  readonly stage: string;
  /** Path after the stage name, without a leading `/` (`''` for the whole stage). */
  readonly path: string;
  readonly transform: readonly CopyExpr[] | undefined;
  /** Options written inside `FROM @s (FILE_FORMAT => ..., PATTERN => ...)`. */
  readonly sourceOptions: OptionMap;
  readonly options: OptionMap;
}

/** Splits `db.sch."st"/a/b/` into the stage name as written and the path. */
export function splitStageRef(ref: string): { stage: string; path: string } {
  let inQuote = false;
  for (let i = 0; i < ref.length; i += 1) {
    const c = ref[i];
    if (c === '"') inQuote = !inQuote;
    else if (c === '/' && !inQuote) return { stage: ref.slice(0, i), path: ref.slice(i + 1) };
  }
  return { stage: ref, path: '' };
}

export function parseCopyStatement(sql: string): CopyStatement {
  const c = new TokenCursor(sql);
  c.expectWords('COPY', 'INTO');
  const target = c.name();
  let columns: string[] | undefined;
  if (c.acceptPunct('(')) {
    columns = [];
    while (!c.acceptPunct(')')) {
      if (c.acceptPunct(',')) continue;
      const t = c.next();
      if (t.kind === 'word') columns.push(t.text.toUpperCase());
      else if (t.kind === 'quoted') columns.push(t.text);
      else c.fail('expected a column name', t);
    }
  }
  c.expectWords('FROM');
  let transform: CopyExpr[] | undefined;
  let stageRef: string;
  let sourceOptions: OptionMap = new Map();
  if (c.acceptPunct('(')) {
    c.expectWords('SELECT');
    transform = [];
    for (;;) {
      transform.push(parseExpr(c));
      if (c.acceptWords('AS')) c.next();
      else if (c.peek()?.kind === 'word' && !c.isWords('FROM')) c.next();
      if (c.acceptPunct(',')) continue;
      break;
    }
    c.expectWords('FROM');
    const s = c.next();
    if (s.kind !== 'stage') c.fail('expected a stage reference (@stage)', s);
    stageRef = s.text;
    if (c.acceptPunct('(')) {
      sourceOptions = c.options();
      c.expectPunct(')');
    }
    // An alias for the stage (`FROM @s t`) is accepted and ignored: fields are read by position.
    if (c.peek()?.kind === 'word') c.next();
    if (!c.atEnd() && c.peek()?.text !== ')') c.fail('only a plain SELECT list FROM a stage is supported in a COPY transformation');
    c.expectPunct(')');
  } else {
    const s = c.next();
    if (s.kind !== 'stage') {
      if (s.kind === 'string') throw notEmulated('COPY FROM an external location given as a URL (use a stage)');
      c.fail('expected a stage reference (@stage)', s);
    }
    stageRef = s.text;
  }
  const options = c.options();
  if (!c.atEnd()) c.fail('unexpected text after the COPY options');
  const { stage, path } = splitStageRef(stageRef);
  if (stage.startsWith('~') || stage.startsWith('%')) throw notEmulated('COPY from a user or table stage');
  return { target, columns, stage, path, transform, sourceOptions, options };
}

const META = new Set(['METADATA$FILENAME', 'METADATA$FILE_ROW_NUMBER', 'METADATA$FILE_CONTENT_KEY', 'METADATA$FILE_LAST_MODIFIED', 'METADATA$START_SCAN_TIME']);

function parseExpr(c: TokenCursor): CopyExpr {
  let e = parsePrimary(c);
  for (;;) {
    if (c.acceptPunct('::')) {
      e = { k: 'cast', e, type: parseTypeName(c) };
    } else if (c.peek()?.kind === 'punct' && c.peek()?.text === ':') {
      c.next();
      const path: (string | number)[] = [elementName(c)];
      for (;;) {
        if (c.peek()?.text === '.' && c.peek()?.kind === 'punct') {
          c.next();
          path.push(elementName(c));
        } else if (c.acceptPunct('[')) {
          const t = c.next();
          path.push(t.kind === 'number' ? Number(t.text) : t.text);
          c.expectPunct(']');
        } else break;
      }
      e = { k: 'element', base: e, path };
    } else if (c.acceptPunct('[')) {
      const t = c.next();
      c.expectPunct(']');
      e = { k: 'element', base: e, path: [t.kind === 'number' ? Number(t.text) : t.text] };
    } else return e;
  }
}

function elementName(c: TokenCursor): string {
  const t = c.next();
  if (t.kind === 'quoted') return t.text;
  // Unquoted element names keep their case: VARIANT paths are case-sensitive.
  if (t.kind === 'word') return t.text;
  return c.fail('expected an element name after ":"', t);
}

function parseTypeName(c: TokenCursor): ColumnType {
  const start = c.peek();
  if (start === undefined || start.kind !== 'word') return c.fail('expected a type name');
  let text = c.next().text;
  while (c.peek()?.kind === 'word' && /^(PRECISION|VARYING|WITH|WITHOUT|TIME|ZONE|LOCAL)$/i.test(c.peek()?.text ?? '')) text += ` ${c.next().text}`;
  if (c.acceptPunct('(')) {
    const args: string[] = [];
    while (!c.acceptPunct(')')) {
      const t = c.next();
      if (t.kind === 'number') args.push(t.text);
    }
    text += `(${args.join(',')})`;
  }
  const type = parseColumnType(text);
  if (type === undefined) throw compilationError(`Unsupported data type '${text}'.`, '002040', '42601');
  return type;
}

function parsePrimary(c: TokenCursor): CopyExpr {
  const t = c.next();
  if (t.kind === 'string') return { k: 'literal', v: { t: 'text', v: t.text } };
  if (t.kind === 'number') return { k: 'literal', v: { t: 'text', v: t.text } };
  if (t.kind === 'punct' && t.text === '-' && c.peek()?.kind === 'number') return { k: 'literal', v: { t: 'text', v: `-${c.next().text}` } };
  if (t.kind === 'punct' && t.text === '(') {
    const e = parseExpr(c);
    c.expectPunct(')');
    return e;
  }
  if (t.kind !== 'word') return c.fail('unsupported expression in a COPY transformation', t);
  // `alias.$1`: the stage alias is irrelevant here.
  if (c.peek()?.text === '.' && /^\$\d+$/.test(c.peek(1)?.text ?? '')) {
    c.next();
    return parsePrimary(c);
  }
  const up = t.text.toUpperCase();
  const field = /^\$(\d+)$/.exec(t.text);
  if (field !== null) return { k: 'field', n: Number(field[1]) };
  if (META.has(up)) return { k: 'meta', name: up };
  if (up === 'NULL') return { k: 'literal', v: null };
  if (up === 'TRUE' || up === 'FALSE') return { k: 'literal', v: { t: 'text', v: up } };
  if (c.acceptPunct('(')) {
    const args: CopyExpr[] = [];
    while (!c.acceptPunct(')')) {
      if (c.acceptPunct(',')) continue;
      args.push(parseExpr(c));
    }
    return { k: 'call', name: up, args };
  }
  if (up === 'CURRENT_TIMESTAMP' || up === 'SYSDATE' || up === 'CURRENT_DATE' || up === 'LOCALTIMESTAMP') return { k: 'call', name: up, args: [] };
  return c.fail(`unsupported expression '${t.text}' in a COPY transformation`, t);
}
