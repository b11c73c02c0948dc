import type { z } from 'zod';

/** One config problem, named by its key path (`tables[0].window.column`). */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

/** `['tables', 0, 'window']` → `tables[0].window`; `(top level)` for the document itself. */
export function keyPath(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return '(top level)';
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out;
}

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      // zod reports a missing key as "received undefined"; say it plainly.
      const received = /received (\w+)$/.exec(issue.message)?.[1];
      if (received === 'undefined') return `is required (expected ${issue.expected})`;
      return `expected ${issue.expected}${received ? `, got ${received}` : ''}`;
    }
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
    case 'too_big':
    case 'invalid_format':
    case 'custom':
      return issue.message.replace(/^(Invalid input|Too small|Too big): /, '');
    default:
      return issue.message;
  }
}

/**
 * Flattens zod issues into key-path messages. For a union of object shapes (e.g. a table's
 * `source`), only the branch that came closest is reported, so the user reads what that shape lacks.
 */
export function configIssues(issues: readonly z.core.$ZodIssue[], prefix: ReadonlyArray<PropertyKey> = []): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: keyPath([...path, key]), message: 'is not a known key (check its spelling and indentation)' });
    } else if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const closest = [...issue.errors].sort((a, b) => a.length - b.length)[0] ?? [];
      out.push(...configIssues(closest, path));
    } else if (issue.code === 'invalid_union') {
      // A discriminated union with an unknown `kind`: zod's text already lists the accepted values.
      out.push({ path: keyPath(path), message: issue.message.replace(/^Invalid discriminator value\. Expected/, 'expected one of') });
    } else {
      out.push({ path: keyPath(path), message: describe(issue) });
    }
  }
  return out;
}
