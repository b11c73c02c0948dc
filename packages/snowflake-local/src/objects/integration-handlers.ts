/**
 * Storage integrations: CREATE / ALTER / DROP / DESC / SHOW. DESC INTEGRATION returns the two
 * values an IAM role's trust policy needs (the account's IAM user and a per-integration external id).
 */
import type { StatementHandler, StatementResult } from '../engine/extension.js';
import type { StorageIntegration } from './object-catalog.js';
import type { ObjectsState } from './objects-state.js';
import { newExternalId } from './objects-state.js';
import { column, ltzWire, likeMatcher, statusResult, table } from './result-rows.js';
import { compilationError, notEmulated, objectExists, objectMissing, SnowflakeSqlError } from './snowflake-error.js';
import { identifierName, optionText, TokenCursor, type OptionMap, type OptionValue } from './sql-tokens.js';

const CREATE = /^CREATE\s+(OR\s+REPLACE\s+)?STORAGE\s+INTEGRATION\b/i;
const ALTER = /^ALTER\s+(STORAGE\s+)?INTEGRATION\b/i;
const DROP = /^DROP\s+(STORAGE\s+)?INTEGRATION\b/i;
const DESC = /^DESC(RIBE)?\s+(STORAGE\s+)?INTEGRATION\b/i;
const SHOW = /^SHOW\s+(STORAGE\s+)?INTEGRATIONS\b/i;

function locations(key: string, v: OptionValue | undefined): string[] {
  if (v === undefined) return [];
  const items = v.kind === 'list' ? v.items : [v];
  return items.map((i) => {
    const t = optionText(i);
    if (t === undefined || (t !== '*' && !/^s3:\/\/[^/]+/i.test(t))) {
      throw compilationError(`invalid value [${t ?? '(...)'}] for parameter '${key}'`, '001008', '22023');
    }
    return t;
  });
}

function applyOptions(target: StorageIntegration, options: OptionMap): void {
  for (const [key, value] of options) {
    switch (key) {
      case 'TYPE':
        if (optionText(value)?.toUpperCase() !== 'EXTERNAL_STAGE') throw notEmulated(`Integration TYPE = ${optionText(value) ?? ''}`);
        break;
      case 'STORAGE_PROVIDER':
        if (optionText(value)?.toUpperCase() !== 'S3') throw notEmulated(`STORAGE_PROVIDER = ${optionText(value) ?? ''} (only S3)`);
        break;
      case 'ENABLED':
        target.enabled = optionText(value)?.toUpperCase() === 'TRUE';
        break;
      case 'STORAGE_AWS_ROLE_ARN': {
        const arn = optionText(value) ?? '';
        if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(arn)) throw compilationError(`invalid value [${arn}] for parameter 'STORAGE_AWS_ROLE_ARN'`, '001008', '22023');
        target.roleArn = arn;
        break;
      }
      case 'STORAGE_ALLOWED_LOCATIONS':
        target.allowedLocations = locations(key, value);
        break;
      case 'STORAGE_BLOCKED_LOCATIONS':
        target.blockedLocations = locations(key, value);
        break;
      case 'COMMENT':
        (target as { comment: string }).comment = optionText(value) ?? '';
        break;
      case 'STORAGE_AWS_OBJECT_ACL':
      case 'USE_PRIVATELINK_ENDPOINT':
        break;
      default:
        throw compilationError(`invalid property '${key}' for 'STORAGE INTEGRATION'`, '001008', '22023');
    }
  }
}

/** Whether `url` lies inside the integration's allowed locations and outside its blocked ones. */
export function locationAllowed(integration: StorageIntegration, url: string): boolean {
  const within = (loc: string): boolean => loc === '*' || url.toLowerCase().startsWith(loc.toLowerCase()) || `${url}/`.toLowerCase() === loc.toLowerCase();
  return integration.allowedLocations.some(within) && !integration.blockedLocations.some((b) => b !== '*' && within(b));
}

/** Snowflake's error when a stage URL is outside what the integration allows. */
export function locationNotAllowed(integration: string, url: string): SnowflakeSqlError {
  return new SnowflakeSqlError(
    `SQL execution error: URL '${url}' is not allowed by integration '${integration}'. Please use DESC INTEGRATION to check out allowed and blocked locations.`,
    '003128',
    '42601',
  );
}

export function integrationHandlers(state: ObjectsState): StatementHandler[] {
  const { catalog, identity } = state;
  return [
    {
      name: 'create-storage-integration',
      matches: (sql) => CREATE.test(sql),
      async execute(ctx, sql): Promise<StatementResult> {
        const c = new TokenCursor(sql);
        c.expectWords('CREATE');
        const replace = c.acceptWords('OR', 'REPLACE');
        c.expectWords('STORAGE', 'INTEGRATION');
        const ifNotExists = c.acceptWords('IF', 'NOT', 'EXISTS');
        const name = identifierName(c.name());
        const options = c.options();
        const existing = catalog.integrations.get(name);
        if (existing !== undefined && ifNotExists) return statusResult(`${name} already exists, statement succeeded.`);
        if (existing !== undefined && !replace) throw objectExists('Integration', name);
        for (const required of ['TYPE', 'STORAGE_PROVIDER', 'ENABLED', 'STORAGE_ALLOWED_LOCATIONS', 'STORAGE_AWS_ROLE_ARN']) {
          if (!options.has(required)) throw compilationError(`Missing option(s): [${required}]`, '001008', '22023');
        }
        const integration: StorageIntegration = {
          name,
          enabled: true,
          roleArn: '',
          allowedLocations: [],
          blockedLocations: [],
          // A new external id on every CREATE, OR REPLACE included: the role's trust policy breaks.
          externalId: newExternalId(identity.account),
          iamUserArn: identity.iamUserArn,
          owner: ctx.session.role,
          createdOn: ctx.clock.now(),
          comment: '',
        };
        applyOptions(integration, options);
        catalog.integrations.set(name, integration);
        return statusResult(`Integration ${name} successfully created.`);
      },
    },
    {
      name: 'alter-storage-integration',
      matches: (sql) => ALTER.test(sql),
      async execute(_ctx, sql) {
        const c = new TokenCursor(sql);
        c.expectWords('ALTER');
        c.acceptWords('STORAGE');
        c.expectWords('INTEGRATION');
        const ifExists = c.acceptWords('IF', 'EXISTS');
        const name = identifierName(c.name());
        const integration = catalog.integrations.get(name);
        if (integration === undefined) {
          if (ifExists) return statusResult('Statement executed successfully.');
          throw objectMissing('Integration', name);
        }
        if (c.acceptWords('SET')) applyOptions(integration, c.options());
        else if (c.acceptWords('UNSET')) {
          while (!c.atEnd()) {
            const t = c.next();
            const key = t.text.toUpperCase();
            if (key === 'STORAGE_BLOCKED_LOCATIONS') integration.blockedLocations = [];
            else if (key === 'COMMENT') (integration as { comment: string }).comment = '';
            else if (key === 'ENABLED') integration.enabled = false;
            else if (t.text !== ',') throw compilationError(`invalid property '${key}' for UNSET`, '001008', '22023');
          }
        } else c.fail('expected SET or UNSET');
        return statusResult('Statement executed successfully.');
      },
    },
    {
      name: 'drop-storage-integration',
      matches: (sql) => DROP.test(sql),
      async execute(_ctx, sql) {
        const c = new TokenCursor(sql);
        c.expectWords('DROP');
        c.acceptWords('STORAGE');
        c.expectWords('INTEGRATION');
        const ifExists = c.acceptWords('IF', 'EXISTS');
        const name = identifierName(c.name());
        if (!catalog.integrations.delete(name)) {
          if (ifExists) return statusResult(`Drop statement executed successfully (${name} already dropped).`);
          throw objectMissing('Integration', name);
        }
        return statusResult(`${name} successfully dropped.`);
      },
    },
    {
      name: 'describe-integration',
      matches: (sql) => DESC.test(sql),
      async execute(_ctx, sql) {
        const c = new TokenCursor(sql);
        c.next();
        c.acceptWords('STORAGE');
        c.expectWords('INTEGRATION');
        const name = identifierName(c.name());
        const i = catalog.integrations.get(name);
        if (i === undefined) throw objectMissing('Integration', name);
        const rows: Array<[string, string, string, string]> = [
          ['ENABLED', 'Boolean', String(i.enabled), 'false'],
          ['STORAGE_PROVIDER', 'String', 'S3', ''],
          ['STORAGE_ALLOWED_LOCATIONS', 'List', i.allowedLocations.join(','), '[]'],
          ['STORAGE_BLOCKED_LOCATIONS', 'List', i.blockedLocations.join(','), '[]'],
          ['STORAGE_AWS_IAM_USER_ARN', 'String', i.iamUserArn, ''],
          ['STORAGE_AWS_ROLE_ARN', 'String', i.roleArn, ''],
          ['STORAGE_AWS_EXTERNAL_ID', 'String', i.externalId, ''],
          ['USE_PRIVATELINK_ENDPOINT', 'Boolean', 'false', 'false'],
          ['COMMENT', 'String', i.comment, ''],
        ];
        return table('describe', ['property', 'property_type', 'property_value', 'property_default'].map((n) => column(n)), rows);
      },
    },
    {
      name: 'show-integrations',
      matches: (sql) => SHOW.test(sql),
      async execute(_ctx, sql) {
        const c = new TokenCursor(sql);
        c.expectWords('SHOW');
        c.acceptWords('STORAGE');
        c.expectWords('INTEGRATIONS');
        let like = likeMatcher(undefined);
        if (c.acceptWords('LIKE')) {
          const t = c.next();
          if (t.kind !== 'string') c.fail('expected a string after LIKE', t);
          like = likeMatcher(t.text);
        }
        const rows = [...catalog.integrations.values()]
          .filter((i) => like(i.name))
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((i) => [i.name, 'EXTERNAL_STAGE', 'STORAGE', String(i.enabled), i.comment === '' ? null : i.comment, ltzWire(i.createdOn)]);
        return table('show', [column('name'), column('type'), column('category'), column('enabled'), column('comment'), column('created_on', 'timestamp_ltz')], rows);
      },
    },
  ];
}
