/** External S3 stages: CREATE / DROP / SHOW / DESC STAGE and LIST. */
import type { EngineContext, StatementHandler } from '../engine/extension.js';
import { formatFromSpec, patternMatcher, resolveStage } from './copy-loader.js';
import { formatProperties } from './file-format-options.js';
import { locationAllowed, locationNotAllowed } from './integration-handlers.js';
import type { Stage } from './object-catalog.js';
import type { ObjectsState } from './objects-state.js';
import { column, ltzWire, parseShowTail, splitQualified, statusResult, table } from './result-rows.js';
import { compilationError, notEmulated, objectExists, objectMissing } from './snowflake-error.js';
import { identifierName, optionText, TokenCursor, type OptionMap } from './sql-tokens.js';
import { splitStageRef } from './copy-statement.js';

const CREATE = /^CREATE\s+(OR\s+REPLACE\s+)?((TEMP|TEMPORARY)\s+)?STAGE\b/i;
const DROP = /^DROP\s+STAGE\b/i;
const SHOW = /^SHOW\s+STAGES\b/i;
const DESC = /^DESC(RIBE)?\s+STAGE\b/i;
const LIST = /^(LIST|LS)\s+@/i;

/** Splits `s3://bucket/prefix/` into bucket and key prefix (`''` or ending in `/`). */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(url);
  if (m === null) throw compilationError(`invalid value [${url}] for parameter 'URL'`, '001008', '22023');
  const rest = m[2] ?? '';
  return { bucket: m[1] as string, prefix: rest === '' || rest.endsWith('/') ? rest : `${rest}/` };
}

function createStage(ctx: EngineContext, state: ObjectsState, qualified: string, options: OptionMap): Stage {
  const url = optionText(options.get('URL'));
  if (url === undefined) throw notEmulated('An internal stage (no URL)');
  if (!/^s3:\/\//i.test(url)) throw notEmulated(`Stage URL '${url}' (only s3:// locations)`);
  const integrationWritten = optionText(options.get('STORAGE_INTEGRATION'));
  let integration: string | undefined;
  if (integrationWritten !== undefined) {
    integration = identifierName(integrationWritten);
    const i = state.catalog.integrations.get(integration);
    if (i === undefined) throw objectMissing('Integration', integration);
    if (!i.enabled) throw compilationError(`Integration '${integration}' is disabled.`, '003126', '42601');
    if (!locationAllowed(i, url)) throw locationNotAllowed(integration, url);
  }
  const { bucket, prefix } = parseS3Url(url);
  const spec = options.get('FILE_FORMAT');
  let formatName: string | undefined;
  if (spec?.kind === 'options' && spec.options.has('FORMAT_NAME')) formatName = ctx.qualify(optionText(spec.options.get('FORMAT_NAME')) ?? '');
  else if (spec?.kind === 'string' || spec?.kind === 'word') formatName = ctx.qualify(spec.value);
  const format = formatFromSpec(ctx, state.catalog, spec, undefined);
  const copyOptions = options.get('COPY_OPTIONS');
  const comment = options.get('COMMENT');
  return {
    qualified,
    url,
    bucket,
    prefix,
    integration,
    format,
    formatName,
    copyOptions: copyOptions?.kind === 'options' ? copyOptions.options : new Map(),
    owner: ctx.session.role,
    createdOn: ctx.clock.now(),
    comment: comment?.kind === 'string' ? comment.value : '',
  };
}

export function stageHandlers(state: ObjectsState): StatementHandler[] {
  const { catalog } = state;
  return [
    {
      name: 'create-stage',
      matches: (sql) => CREATE.test(sql),
      async execute(ctx, sql) {
        const c = new TokenCursor(sql);
        c.expectWords('CREATE');
        const replace = c.acceptWords('OR', 'REPLACE');
        if (!c.acceptWords('TEMPORARY')) c.acceptWords('TEMP');
        c.expectWords('STAGE');
        const ifNotExists = c.acceptWords('IF', 'NOT', 'EXISTS');
        const qualified = ctx.qualify(c.name());
        const [, , name] = splitQualified(qualified);
        if (catalog.stages.has(qualified)) {
          if (ifNotExists) return statusResult(`${name} already exists, statement succeeded.`);
          if (!replace) throw objectExists('Stage', name);
        }
        catalog.stages.set(qualified, createStage(ctx, state, qualified, c.options()));
        return statusResult(`Stage area ${name} successfully created.`);
      },
    },
    {
      name: 'drop-stage',
      matches: (sql) => DROP.test(sql),
      async execute(ctx, sql) {
        const c = new TokenCursor(sql);
        c.expectWords('DROP', 'STAGE');
        const ifExists = c.acceptWords('IF', 'EXISTS');
        const qualified = ctx.qualify(c.name());
        const [, , name] = splitQualified(qualified);
        if (!catalog.stages.delete(qualified)) {
          if (ifExists) return statusResult(`Drop statement executed successfully (${name} already dropped).`);
          throw objectMissing('Stage', qualified);
        }
        return statusResult(`${name} successfully dropped.`);
      },
    },
    {
      name: 'show-stages',
      matches: (sql) => SHOW.test(sql),
      async execute(ctx, sql) {
        const c = new TokenCursor(sql);
        c.expectWords('SHOW', 'STAGES');
        const { like, inScope } = parseShowTail(c, ctx);
        const cols = ['created_on', 'name', 'database_name', 'schema_name', 'url', 'has_credentials', 'has_encryption_key', 'owner', 'comment', 'region', 'type', 'cloud', 'notification_channel', 'storage_integration', 'endpoint', 'owner_role_type', 'directory_enabled'];
        const rows = [...catalog.stages.values()]
          .filter((s) => inScope(s.qualified) && like(splitQualified(s.qualified)[2]))
          .map((s) => {
            const [db, schema, name] = splitQualified(s.qualified);
            return [ltzWire(s.createdOn), name, db, schema, s.url, 'N', 'N', s.owner, s.comment, state.identity.region, 'EXTERNAL', 'AWS', null, s.integration ?? null, null, 'ROLE', 'N'];
          });
        return table('show', cols.map((n) => column(n, n === 'created_on' ? 'timestamp_ltz' : 'text')), rows);
      },
    },
    {
      name: 'describe-stage',
      matches: (sql) => DESC.test(sql),
      async execute(ctx, sql) {
        const c = new TokenCursor(sql);
        c.next();
        c.expectWords('STAGE');
        const qualified = ctx.qualify(c.name());
        const s = catalog.stages.get(qualified);
        if (s === undefined) throw objectMissing('Stage', qualified);
        const rows: Array<Array<string | null>> = [];
        if (s.formatName !== undefined) rows.push(['STAGE_FILE_FORMAT', 'FORMAT_NAME', 'String', splitQualified(s.formatName)[2], '']);
        else for (const p of formatProperties(s.format)) rows.push(['STAGE_FILE_FORMAT', p.property, p.type, p.value, p.defaultValue]);
        const copy = (key: string, type: string, dflt: string): void => {
          rows.push(['STAGE_COPY_OPTIONS', key, type, optionText(s.copyOptions.get(key)) ?? dflt, dflt]);
        };
        copy('ON_ERROR', 'String', 'ABORT_STATEMENT');
        copy('SIZE_LIMIT', 'Long', '');
        copy('PURGE', 'Boolean', 'false');
        copy('RETURN_FAILED_ONLY', 'Boolean', 'false');
        copy('ENFORCE_LENGTH', 'Boolean', 'true');
        copy('TRUNCATECOLUMNS', 'Boolean', 'false');
        copy('FORCE', 'Boolean', 'false');
        rows.push(['STAGE_LOCATION', 'URL', 'String', `["${s.url}"]`, '']);
        rows.push(['STAGE_INTEGRATION', 'STORAGE_INTEGRATION', 'String', s.integration ?? '', '']);
        rows.push(['STAGE_CREDENTIALS', 'AWS_KEY_ID', 'String', '', '']);
        rows.push(['DIRECTORY', 'ENABLE', 'Boolean', 'false', 'false']);
        const cols = ['parent_property', 'property', 'property_type', 'property_value', 'property_default'];
        return table('describe', cols.map((n) => column(n)), rows);
      },
    },
    {
      name: 'list-stage',
      matches: (sql) => LIST.test(sql),
      async execute(ctx, sql) {
        const c = new TokenCursor(sql);
        c.next();
        const ref = c.next();
        if (ref.kind !== 'stage') c.fail('expected a stage reference (@stage)', ref);
        const { stage: written, path } = splitStageRef(ref.text);
        const stage = resolveStage(ctx, catalog, written);
        const options = c.options();
        const matches = patternMatcher(optionText(options.get('PATTERN')));
        const objects = await state.store.list(stage.bucket, stage.prefix + path);
        // LIST applies PATTERN to the whole location, as Snowflake documents for LIST.
        const rows = objects
          .filter((o) => matches(`s3://${o.bucket}/${o.key}`) || matches(o.key.slice(stage.prefix.length)))
          .map((o) => [`s3://${o.bucket}/${o.key}`, String(o.size), o.etag, o.lastModified.toUTCString()]);
        return table('show', [column('name'), column('size', 'fixed'), column('md5'), column('last_modified')], rows);
      },
    },
  ];
}
