/**
 * Snowflake names an unaliased result column after its expression text, upper-cased
 * (`sum(amount)` → `SUM(AMOUNT)`, `id + 1` → `ID + 1`); DuckDB names it after its own rendering
 * (`sum(AMOUNT)`, `(ID + 1)`). This reads the outermost select list of the original statement
 * and gives those columns Snowflake's names.
 */
import { tokenize, type Token } from './sql-tokenizer.js';

const LIST_END = new Set(['FROM', 'WHERE', 'GROUP', 'ORDER', 'LIMIT', 'QUALIFY', 'HAVING', 'UNION', 'EXCEPT', 'INTERSECT', 'MINUS', 'WINDOW', 'OFFSET', 'FETCH', 'INTO']);
/** Words that end an expression rather than alias it. */
const NOT_ALIAS = new Set(['END', 'NULL', 'TRUE', 'FALSE', 'DAY', 'DAYS', 'HOUR', 'HOURS', 'MINUTE', 'MINUTES', 'SECOND', 'SECONDS', 'MONTH', 'MONTHS', 'YEAR', 'YEARS', 'ASC', 'DESC']);

function meaningful(tokens: readonly Token[]): Token[] {
  return tokens.filter((t) => t.kind !== 'ws' && t.kind !== 'comment');
}

/** The outermost select list's items as token runs (undefined when it cannot be read safely). */
function selectItems(sql: string): Token[][] | undefined {
  let tokens: Token[];
  try {
    tokens = tokenize(sql);
  } catch {
    return undefined;
  }
  let depth = 0;
  let start = -1;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (depth === 0 && t.kind === 'word' && t.value.toUpperCase() === 'SELECT') {
      start = i + 1;
      break;
    }
  }
  if (start < 0) return undefined;
  const items: Token[][] = [];
  let current: Token[] = [];
  depth = 0;
  for (let i = start; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    if (depth === 0 && t.kind === 'word' && LIST_END.has(t.value.toUpperCase())) break;
    if (depth === 0 && t.text === ';') break;
    if (depth === 0 && t.text === ',') {
      items.push(current);
      current = [];
      continue;
    }
    current.push(t);
  }
  items.push(current);
  const first = meaningful(items[0] ?? []);
  // SELECT DISTINCT / ALL / TOP n: not part of the first item's name.
  while (first[0]?.kind === 'word' && /^(DISTINCT|ALL)$/i.test(first[0].value)) first.shift();
  if (first[0]?.kind === 'word' && /^TOP$/i.test(first[0].value)) first.splice(0, 2);
  items[0] = first;
  return items.map(meaningful);
}

function isIdentifierChain(item: readonly Token[]): boolean {
  return item.every((t, k) => (k % 2 === 0 ? t.kind === 'word' || t.kind === 'qident' : t.text === '.'));
}

function hasAlias(item: readonly Token[]): boolean {
  if (item.length < 2) return false;
  const last = item[item.length - 1]!;
  const before = item[item.length - 2]!;
  if (last.kind === 'qident') return before.text !== '.';
  if (last.kind !== 'word') return false;
  if (before.kind === 'word' && before.value.toUpperCase() === 'AS') return true;
  if (NOT_ALIAS.has(last.value.toUpperCase())) return false;
  return before.text !== '.' && (before.kind === 'word' || before.kind === 'qident' || before.kind === 'string' || before.kind === 'number' || before.text === ')' || before.kind === 'bind');
}

/**
 * Snowflake's names for the result columns: `duckNames` with every unaliased expression renamed to
 * its upper-cased text. Returns `duckNames` unchanged when the select list cannot be matched up.
 */
export function snowflakeResultNames(sql: string, duckNames: readonly string[]): string[] {
  const items = selectItems(sql);
  if (!items || items.length !== duckNames.length) return [...duckNames];
  const isStar = (it: readonly Token[]): boolean => (it.length === 1 && it[0]!.text === '*') || (it.length >= 3 && it[it.length - 1]!.text === '*' && it[it.length - 2]!.text === '.');
  if (items.some((it) => it.length === 0 || isStar(it))) return [...duckNames];
  return duckNames.map((name, k) => {
    const item = items[k]!;
    if (hasAlias(item) || isIdentifierChain(item)) return name;
    const first = item[0]!;
    const last = item[item.length - 1]!;
    const text = sql.slice(first.pos, last.pos + last.text.length);
    return tokenize(text)
      .map((t) => (t.kind === 'qident' ? t.value : t.kind === 'comment' ? '' : t.text.toUpperCase()))
      .join('')
      .replace(/\s+/g, ' ')
      .trim();
  });
}
