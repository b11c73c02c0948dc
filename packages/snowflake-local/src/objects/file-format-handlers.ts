/** Named file formats: CREATE / DROP / SHOW / DESC FILE FORMAT. */
import type { StatementHandler } from '../engine/extension.js';
import { formatOptionsJson, formatProperties, resolveFormat } from './file-format-options.js';
import type { ObjectsState } from './objects-state.js';
import { column, ltzWire, parseShowTail, splitQualified, statusResult, table } from './result-rows.js';
import { objectExists, objectMissing } from './snowflake-error.js';
import { TokenCursor } from './sql-tokens.js';

const CREATE = /^CREATE\s+(OR\s+REPLACE\s+)?((TEMP|TEMPORARY|VOLATILE)\s+)?FILE\s+FORMAT\b/i;
const DROP = /^DROP\s+FILE\s+FORMAT\b/i;
const SHOW = /^SHOW\s+FILE\s+FORMATS\b/i;
const DESC = /^DESC(RIBE)?\s+FILE\s+FORMAT\b/i;

export function fileFormatHandlers(state: ObjectsState): StatementHandler[] {
  const { catalog } = state;
  return [
    {
      name: 'create-file-format',
      matches: (sql) => CREATE.test(sql),
      async execute(ctx, sql) {
        const c = new TokenCursor(sql);
        c.expectWords('CREATE');
        const replace = c.acceptWords('OR', 'REPLACE');
        if (!c.acceptWords('TEMPORARY') && !c.acceptWords('TEMP')) c.acceptWords('VOLATILE');
        c.expectWords('FILE', 'FORMAT');
        const ifNotExists = c.acceptWords('IF', 'NOT', 'EXISTS');
        const qualified = ctx.qualify(c.name());
        const options = c.options();
        const [, , name] = splitQualified(qualified);
        if (catalog.fileFormats.has(qualified)) {
          if (ifNotExists) return statusResult(`${name} already exists, statement succeeded.`);
          if (!replace) throw objectExists('File format', name);
        }
        const format = resolveFormat(options);
        const comment = options.get('COMMENT');
        catalog.fileFormats.set(qualified, {
          qualified,
          format,
          owner: ctx.session.role,
          createdOn: ctx.clock.now(),
          comment: comment?.kind === 'string' ? comment.value : '',
        });
        return statusResult(`File format ${name} successfully created.`);
      },
    },
    {
      name: 'drop-file-format',
      matches: (sql) => DROP.test(sql),
      async execute(ctx, sql) {
        const c = new TokenCursor(sql);
        c.expectWords('DROP', 'FILE', 'FORMAT');
        const ifExists = c.acceptWords('IF', 'EXISTS');
        const qualified = ctx.qualify(c.name());
        const [, , name] = splitQualified(qualified);
        if (!catalog.fileFormats.delete(qualified)) {
          if (ifExists) return statusResult(`Drop statement executed successfully (${name} already dropped).`);
          throw objectMissing('File format', qualified);
        }
        return statusResult(`${name} successfully dropped.`);
      },
    },
    {
      name: 'show-file-formats',
      matches: (sql) => SHOW.test(sql),
      async execute(ctx, sql) {
        const c = new TokenCursor(sql);
        c.expectWords('SHOW', 'FILE', 'FORMATS');
        const { like, inScope } = parseShowTail(c, ctx);
        const rows = [...catalog.fileFormats.values()]
          .filter((f) => inScope(f.qualified) && like(splitQualified(f.qualified)[2]))
          .map((f) => {
            const [db, schema, name] = splitQualified(f.qualified);
            return [ltzWire(f.createdOn), name, db, schema, f.format.type, f.owner, f.comment, formatOptionsJson(f.format), 'ROLE'];
          });
        const cols = ['created_on', 'name', 'database_name', 'schema_name', 'type', 'owner', 'comment', 'format_options', 'owner_role_type'];
        return table('show', cols.map((n) => column(n, n === 'created_on' ? 'timestamp_ltz' : 'text')), rows);
      },
    },
    {
      name: 'describe-file-format',
      matches: (sql) => DESC.test(sql),
      async execute(ctx, sql) {
        const c = new TokenCursor(sql);
        c.next();
        c.expectWords('FILE', 'FORMAT');
        const qualified = ctx.qualify(c.name());
        const f = catalog.fileFormats.get(qualified);
        if (f === undefined) throw objectMissing('File format', qualified);
        const rows = formatProperties(f.format).map((p) => [p.property, p.type, p.value, p.defaultValue]);
        return table('describe', ['property', 'property_type', 'property_value', 'property_default'].map((n) => column(n)), rows);
      },
    },
  ];
}
