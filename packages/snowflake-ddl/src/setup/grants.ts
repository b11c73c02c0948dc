import type { GrantNode, GrantTarget } from '../sql/nodes.js';
import type { ResolvedSetup } from './setup-config.js';

/**
 * Least privilege for the loader role floe's runtime uses: it can see the objects, read the
 * tables, and watch/pause/resume the pipes and tasks, but not change or drop them.
 * Privileges per object: docs.snowflake.com/en/user-guide/security-access-control-privileges.
 */
export function loaderGrants(r: ResolvedSetup, role: string): GrantNode[] {
  const g = (privileges: string[], on: GrantTarget): GrantNode => ({ kind: 'grant', privileges, on, toRole: role });
  return [
    g(['USAGE'], { type: 'WAREHOUSE', name: r.warehouse }),
    g(['USAGE'], { type: 'DATABASE', name: r.database }),
    g(['USAGE'], { type: 'SCHEMA', name: r.schema }),
    g(['USAGE'], { type: 'FILE FORMAT', name: r.fileFormat }),
    g(['USAGE'], { type: 'STAGE', name: r.stage }),
    ...r.tables.flatMap((t) => [
      g(['SELECT'], { type: 'TABLE', name: t.landing }),
      g(['SELECT'], { type: 'TABLE', name: t.target }),
      ...t.derived.map((d) => g(['SELECT'], { type: 'TABLE', name: d.name })),
      g(['MONITOR', 'OPERATE'], { type: 'PIPE', name: t.pipe }),
      g(['MONITOR', 'OPERATE'], { type: 'TASK', name: t.task }),
    ]),
  ];
}
