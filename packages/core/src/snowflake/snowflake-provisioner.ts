import { errAsync, okAsync, Result, ResultAsync } from 'neverthrow';
import type { PlannedStep, ProvisionPlan, ProvisionReport, SnowflakeProvisioner } from '../contracts/provisioner.js';
import { floeError, type FloeError } from '../errors.js';
import { ddlError } from './snowflake-errors.js';
import { fieldOf, nameParts, sameName, showIn, stringLiteral, type Row } from './snowflake-names.js';
import type { SnowflakeSession } from './snowflake-session.js';

/**
 * One setup statement as `planSetup(...)` of @floe/snowflake-ddl produces it (structurally: core
 * reads only these fields).
 */
export interface SetupStepLike {
  readonly id: string;
  readonly description: string;
  /** `name` is the SQL form (quoted, qualified). */
  readonly object: { readonly type: string; readonly name: string };
  readonly sql: string;
  /** `read` steps (DESC) return values the AWS documents need; `ddl` steps change the account. */
  readonly kind?: 'ddl' | 'read';
  /** A SHOW ... LIKE that lists the object when it exists; rows are matched on `name` = `existsName`. */
  readonly existsSql?: string;
  readonly existsName?: string;
}

/** Values Snowflake issues for a storage integration (`DESC INTEGRATION`). */
export interface IntegrationIdentity {
  readonly integration: string;
  readonly iamUserArn: string;
  readonly externalId: string;
}

/** A pipe's SQS queue (`DESC PIPE` / `SHOW PIPES` `notification_channel`). */
export interface PipeChannel {
  readonly pipe: string;
  readonly notificationChannel: string;
}

/** What the provisioner needs: the ordered steps, and builders of the AWS documents. */
export interface ProvisionSetup {
  readonly steps: readonly SetupStepLike[];
  /** The IAM role's permissions policy (known without asking Snowflake). */
  readonly permissionsPolicy?: unknown;
  /** The role's trust policy, from the integration's identity. */
  trustPolicy?(identity: IntegrationIdentity): unknown;
  /** The bucket's NotificationConfiguration, from the pipes' queues. */
  bucketNotification?(channels: readonly PipeChannel[]): { readonly bucket: string; readonly configuration: unknown };
}

export interface SnowflakeProvisionerOptions {
  readonly session: SnowflakeSession;
  readonly setup: ProvisionSetup;
  /**
   * Applies the bucket notification once the pipes exist (S3 PutBucketNotificationConfiguration on
   * AWS, the local endpoint's `setBucketNotification` in the demo). Without it the document is only
   * reported, for the user to apply.
   */
  readonly applyBucketNotification?: (bucket: string, configuration: unknown) => ResultAsync<void, FloeError>;
}

type Action = PlannedStep['action'];

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * SQL without comments (quotes respected), whitespace collapsed: how a stored task definition is
 * compared with the statement that would replace it (servers may drop comments or re-indent).
 */
export function comparableSql(sql: string): string {
  let out = '';
  for (let i = 0; i < sql.length; ) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === c && sql[j + 1] !== c)) j += sql[j] === c ? 2 : 1;
      out += sql.slice(i, j + 1);
      i = j + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
      out += ' ';
    } else {
      out += c;
      i++;
    }
  }
  return collapse(out);
}

/** What SHOW TASKS says about a task, compared with the statement that would replace it. */
interface TaskState {
  readonly exists: boolean;
  readonly upToDate: boolean;
  readonly started: boolean;
}

/**
 * Provisions the Snowflake side from a planned setup. `plan()` asks Snowflake what exists: objects
 * created with IF NOT EXISTS are `none` when present; the merge task is `none` when its definition
 * and schedule match and it is started; a pipe's unpause is `none` when it is running; grants are
 * `none` when SHOW GRANTS lists them. `apply()` runs the other steps in order, then reads the values
 * the AWS side needs (DESC INTEGRATION, DESC PIPE) into `documents`, even when nothing changed.
 * Nothing is ever replaced except the task (it holds no data).
 *
 * `documents` of the report: `permissionsPolicy` (the IAM role's policy), `integration`
 * ({@link IntegrationIdentity}), `trustPolicy` (the role's trust policy built from it), `pipes`
 * ({@link PipeChannel}[]), `bucketNotification` (PutBucketNotificationConfiguration's body) and
 * `notificationBucket`. With `applyBucketNotification` the notification is also applied.
 *
 * @example
 * const setup = snowflakeSetupFromConfig(config, { sales: schema }).andThen(provisionSetup);
 * const provisioner = createSnowflakeProvisioner({ session, setup: setup._unsafeUnwrap() });
 * const report = await provisioner.plan().andThen(provisioner.apply); // --dry-run: plan() only
 */
export function createSnowflakeProvisioner(opts: SnowflakeProvisionerOptions): SnowflakeProvisioner {
  const { session, setup } = opts;
  const query = (sql: string, object: string) => session.query<Row>(sql, [], { object });
  /** A SHOW on a container that does not exist yet simply means "not there". */
  const absentIfMissing = <T>(r: ResultAsync<T, FloeError>, absent: T) =>
    r.orElse((e) => (e.kind === 'snowflake_sql' && /does not exist|not found/i.test(e.message) ? okAsync(absent) : errAsync(e)));

  const exists = (step: SetupStepLike & { existsSql: string }): ResultAsync<boolean, FloeError> => {
    const wanted = step.existsName ?? nameParts(step.object.name).at(-1) ?? step.object.name;
    // SHOW ... LIKE treats `_` as a wildcard: only the exact name counts.
    return absentIfMissing(
      query(step.existsSql, step.object.name).map((rows) => rows.some((r) => fieldOf(r, 'name') === wanted)),
      false,
    );
  };

  const taskStates = new Map<string, ResultAsync<TaskState, FloeError>>();
  const taskState = (name: string, createSql: string): ResultAsync<TaskState, FloeError> => {
    const cached = taskStates.get(name);
    if (cached) return cached;
    const last = nameParts(name).at(-1) ?? name;
    const state = absentIfMissing(
      query(`SHOW TASKS LIKE ${stringLiteral(last)}${showIn(name)}`, name).map((rows): TaskState => {
        const row = rows.find((r) => fieldOf(r, 'name') === last);
        if (!row) return { exists: false, upToDate: false, started: false };
        const body = /\nAS\n([\s\S]*)$/.exec(createSql)?.[1];
        const schedule = /\bSCHEDULE = '([^']*)'/.exec(createSql)?.[1];
        const upToDate =
          body !== undefined && comparableSql(fieldOf(row, 'definition') ?? '') === comparableSql(body) && (schedule === undefined || fieldOf(row, 'schedule') === schedule);
        return { exists: true, upToDate, started: fieldOf(row, 'state')?.toLowerCase() === 'started' };
      }),
      { exists: false, upToDate: false, started: false },
    );
    taskStates.set(name, state);
    return state;
  };

  /** The CREATE statement of the task a suspend/resume step belongs to. */
  const taskCreateSql = (name: string) => setup.steps.find((s) => s.object.type === 'TASK' && sameName(s.object.name, name) && /^CREATE\b/i.test(s.sql))?.sql ?? '';

  const pipeRunning = (name: string): ResultAsync<boolean, FloeError> =>
    query(`SELECT SYSTEM$PIPE_STATUS(${stringLiteral(name)}) AS STATUS`, name)
      .map((rows) => {
        const text = rows[0] ? fieldOf(rows[0], 'STATUS') : undefined;
        try {
          return (JSON.parse(text ?? '{}') as { executionState?: string }).executionState === 'RUNNING';
        } catch {
          return false;
        }
      })
      // Where the status cannot be read, unpausing again is harmless: plan it.
      .orElse(() => okAsync(false));

  /** `GRANT p1, p2 ON TYPE name TO ROLE r` / `GRANT ROLE r TO USER u`: listed by SHOW GRANTS? */
  const granted = (step: SetupStepLike): ResultAsync<boolean, FloeError> => {
    const onObject = /^GRANT (.+?) ON (ACCOUNT|[A-Z ]+?) ((?:"(?:[^"]|"")*"|[A-Za-z_$][\w$]*)(?:\.(?:"(?:[^"]|"")*"|[A-Za-z_$][\w$]*))*) TO ROLE ("(?:[^"]|"")*"|\w+)$/i.exec(step.sql);
    const onAccount = /^GRANT (.+?) ON ACCOUNT TO ROLE ("(?:[^"]|"")*"|\w+)$/i.exec(step.sql);
    const roleToUser = /^GRANT ROLE ("(?:[^"]|"")*"|\w+) TO USER ("(?:[^"]|"")*"|\w+)$/i.exec(step.sql);
    const lookup = (sql: string, match: (r: Row) => boolean) => absentIfMissing(query(sql, step.object.name).map((rows) => rows.some(match)), false).orElse(() => okAsync(false));
    if (roleToUser) {
      const [, role = '', user = ''] = roleToUser;
      return lookup(`SHOW GRANTS TO USER ${user}`, (r) => sameName(fieldOf(r, 'role') ?? '', role) || comparableSql(fieldOf(r, 'statement') ?? '') === comparableSql(step.sql));
    }
    const m = onAccount ? { privs: onAccount[1] ?? '', type: 'ACCOUNT', name: undefined, role: onAccount[2] ?? '' } : onObject ? { privs: onObject[1] ?? '', type: onObject[2] ?? '', name: onObject[3], role: onObject[4] ?? '' } : undefined;
    if (!m) return okAsync(false);
    const privileges = m.privs.split(',').map((p) => p.trim().toUpperCase());
    const type = m.type.toUpperCase().replace(/ /g, '_');
    return absentIfMissing(
      query(`SHOW GRANTS TO ROLE ${m.role}`, step.object.name).map((rows) =>
        // The local endpoint lists the GRANT statements themselves; Snowflake lists one row per privilege.
        rows.some((r) => comparableSql(fieldOf(r, 'statement') ?? '') === comparableSql(step.sql)) ||
        privileges.every((p) =>
          rows.some(
            (r) =>
              fieldOf(r, 'privilege')?.toUpperCase() === p &&
              fieldOf(r, 'granted_on')?.toUpperCase().replace(/ /g, '_') === type &&
              (m.name === undefined || sameName(fieldOf(r, 'name') ?? '', m.name)),
          ),
        ),
      ),
      false,
    ).orElse(() => okAsync(false));
  };

  const pipesAtPlan = new Map<string, boolean>();

  const actionOf = (step: SetupStepLike): ResultAsync<Action, FloeError> => {
    if (step.kind === 'read' || /^(DESC|DESCRIBE|SHOW)\b/i.test(step.sql)) return okAsync('none');
    if (step.existsSql !== undefined) {
      return exists({ ...step, existsSql: step.existsSql }).map((present) => {
        if (step.object.type === 'PIPE') pipesAtPlan.set(step.object.name, present);
        return present ? 'none' : 'create';
      });
    }
    if (step.object.type === 'TASK') {
      return taskState(step.object.name, taskCreateSql(step.object.name)).map((s): Action => {
        if (!s.exists) return 'create';
        // A replaced task comes back suspended, so resume runs whenever the task is replaced.
        if (/\bRESUME$/i.test(step.sql)) return s.started && s.upToDate ? 'none' : 'alter';
        return s.upToDate ? 'none' : 'alter';
      });
    }
    if (step.object.type === 'PIPE' && /^ALTER PIPE\b/i.test(step.sql)) {
      return pipesAtPlan.get(step.object.name) === false ? okAsync('create') : pipeRunning(step.object.name).map((running) => (running ? 'none' : 'alter'));
    }
    if (/^GRANT\b/i.test(step.sql)) return granted(step).map((yes) => (yes ? 'none' : 'create'));
    // A statement whose effect floe cannot read back: plan it (every setup step is safe to re-run).
    return okAsync('alter');
  };

  // One step at a time: a session runs one statement at a time anyway, and the plan reads in order.
  const plan = (): ResultAsync<ProvisionPlan, FloeError> => {
    taskStates.clear();
    pipesAtPlan.clear();
    return setup.steps
      .reduce<ResultAsync<PlannedStep[], FloeError>>(
        (acc, step) => acc.andThen((done) => actionOf(step).map((action) => [...done, { id: step.id, description: step.description, sql: step.sql, action }])),
        okAsync([]),
      )
      .map((steps) => ({ steps }));
  };

  const integrationIdentity = (step: SetupStepLike, rows: readonly Row[]): ResultAsync<IntegrationIdentity, FloeError> => {
    const prop = (p: string) => {
      const row = rows.find((r) => fieldOf(r, 'property')?.toUpperCase() === p);
      return row ? fieldOf(row, 'property_value') : undefined;
    };
    const iamUserArn = prop('STORAGE_AWS_IAM_USER_ARN');
    const externalId = prop('STORAGE_AWS_EXTERNAL_ID');
    if (!iamUserArn || !externalId) {
      return errAsync(
        floeError('snowflake_sql', `${firstWords(step.sql)} did not return STORAGE_AWS_IAM_USER_ARN and STORAGE_AWS_EXTERNAL_ID.`, "Check that the integration is an S3 storage integration (TYPE = EXTERNAL_STAGE, STORAGE_PROVIDER = 'S3').", {
          object: step.object.name,
        }),
      );
    }
    return okAsync({ integration: step.object.name, iamUserArn, externalId });
  };

  const pipeChannel = (step: SetupStepLike, rows: readonly Row[]): ResultAsync<PipeChannel, FloeError> => {
    const channel = rows.map((r) => fieldOf(r, 'notification_channel')).find((c) => c !== undefined && c !== '');
    if (!channel) {
      return errAsync(floeError('snowflake_sql', `Pipe ${step.object.name} has no notification_channel.`, 'Auto-ingest needs AUTO_INGEST = TRUE on the pipe; check DESC PIPE.', { object: step.object.name }));
    }
    return okAsync({ pipe: step.object.name, notificationChannel: channel });
  };

  const apply = (planned: ProvisionPlan): ResultAsync<ProvisionReport, FloeError> => {
    const byId = new Map(setup.steps.map((s) => [s.id, s] as const));
    for (const p of planned.steps) {
      const step = byId.get(p.id);
      if (!step || step.sql !== p.sql) {
        return errAsync(floeError('internal', `Plan step ${p.id} does not belong to this setup.`, 'Plan again with the same config, then apply that plan.', { object: p.id }));
      }
    }
    const applied: PlannedStep[] = [];
    const unchanged: PlannedStep[] = [];
    const documents: Record<string, unknown> = {};
    if (setup.permissionsPolicy !== undefined) documents['permissionsPolicy'] = setup.permissionsPolicy;
    const channels: PipeChannel[] = [];

    const runStep = (p: PlannedStep): ResultAsync<void, FloeError> => {
      const step = byId.get(p.id)!;
      const isRead = step.kind === 'read' || /^(DESC|DESCRIBE)\b/i.test(step.sql);
      if (!isRead) {
        if (p.action === 'none') {
          unchanged.push(p);
          return okAsync(undefined);
        }
        return session.execute(step.sql, { object: step.object.name }).map(() => void applied.push(p));
      }
      // Reads run every time, so a second provision prints the same documents again (the
      // integration keeps its external id: it is never replaced).
      unchanged.push(p);
      return query(step.sql, step.object.name).andThen((rows) => {
        if (step.object.type === 'INTEGRATION') {
          return integrationIdentity(step, rows).andThen((identity) => {
            documents['integration'] = identity;
            if (!setup.trustPolicy) return okAsync(undefined);
            const policy = Result.fromThrowable((id: IntegrationIdentity) => setup.trustPolicy!(id), ddlError)(identity);
            if (policy.isErr()) return errAsync(policy.error);
            documents['trustPolicy'] = policy.value;
            return okAsync(undefined);
          });
        }
        if (step.object.type === 'PIPE') return pipeChannel(step, rows).map((c) => void channels.push(c));
        return okAsync(undefined);
      });
    };

    return planned.steps
      .reduce<ResultAsync<void, FloeError>>((acc, p) => acc.andThen(() => runStep(p)), okAsync(undefined))
      .andThen(() => {
        if (channels.length > 0) documents['pipes'] = channels;
        if (channels.length === 0 || !setup.bucketNotification) return okAsync(undefined);
        const built = Result.fromThrowable((c: readonly PipeChannel[]) => setup.bucketNotification!(c), ddlError)(channels);
        if (built.isErr()) return errAsync(built.error);
        const notification = built.value;
        documents['bucketNotification'] = notification.configuration;
        documents['notificationBucket'] = notification.bucket;
        return opts.applyBucketNotification ? opts.applyBucketNotification(notification.bucket, notification.configuration) : okAsync(undefined);
      })
      .map(() => ({ applied, unchanged, documents }));
  };

  return { plan, apply };
}

function firstWords(sql: string): string {
  return sql.split('\n')[0] ?? sql;
}
