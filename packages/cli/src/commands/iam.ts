import { readFile } from 'node:fs/promises';
import { floeError, isFloeError, type FloeError } from '@floe/core';
import { iamTrustPolicy, rsaPublicKeyStep } from '@floe/snowflake-ddl';
import { EXIT } from '../exit-codes.js';
import { loadFloeConfig, openSnowflake, requireSnowflake } from '../context.js';
import { withExamples, type CommandHandler } from '../program.js';
import { describeTables, permissionsPolicy, pipeNotification, snowflakeSetup } from '../provisioning.js';
import { ident } from '../sf-sql.js';
import type { Register } from './index.js';

interface IamOptions {
  readonly publicKey?: string;
  readonly offline?: boolean;
}

type Row = Record<string, unknown>;
const field = (r: Row, k: string): string | undefined => {
  const v = r[k] ?? r[k.toUpperCase()];
  return v === undefined || v === null ? undefined : String(v);
};

const iam: CommandHandler<IamOptions> = async (opts, g, out) => {
  const loaded = await loadFloeConfig(g, opts.offline ? ['source'] : undefined);
  if (loaded.isErr()) return { exitCode: EXIT.usage, data: {}, error: loaded.error };
  const config = loaded.value;
  const sfc = requireSnowflake(config, 'iam');
  if (sfc.isErr()) return { exitCode: EXIT.usage, data: {}, error: sfc.error };
  const sf = sfc.value;
  const data: Record<string, unknown> = {};
  const notes: string[] = [];

  if (opts.publicKey !== undefined) {
    const pem = await readFile(opts.publicKey, 'utf8').catch((e: unknown) => e as Error);
    if (pem instanceof Error) return { exitCode: EXIT.usage, data: {}, error: floeError('config', `cannot read the public key file ${opts.publicKey}: ${pem.message}`, 'Give the path of the PEM public key (openssl rsa -in key.p8 -pubout -out key.pub).', { object: '--public-key' }) };
    try {
      const step = rsaPublicKeyStep(sf.user, pem);
      data['rsaPublicKeyStep'] = step.sql;
      out.print(`-- Key-pair sign-in for ${sf.user} (run as a user administrator):\n${step.sql};\n`);
    } catch (e) {
      return { exitCode: EXIT.usage, data: {}, error: isFloeError(e) ? floeError('config', e.message, e.hint, { object: '--public-key', cause: e }) : floeError('config', String(e), 'Check the key file.', { object: '--public-key' }) };
    }
  }

  const schemas = await describeTables(config);
  if (schemas.isErr()) return { exitCode: EXIT.runFailed, data, error: schemas.error };
  const setup = snowflakeSetup(config, schemas.value);
  if (setup.isErr()) return { exitCode: EXIT.usage, data, error: setup.error };
  const policy = permissionsPolicy(setup.value);
  if (policy.isErr()) return { exitCode: EXIT.usage, data, error: policy.error };
  data['permissionsPolicy'] = policy.value;
  out.print(`-- 1. Permissions policy of the IAM role ${sf.roleArn ?? ''} (read-only on the staging prefix):\n${JSON.stringify(policy.value, null, 2)}\n`);

  // The trust policy and the notification need values only Snowflake issues (after provision).
  let problem: FloeError | undefined;
  if (!opts.offline) {
    const session = await openSnowflake(config);
    if (session.isErr()) problem = session.error;
    else {
      const s = session.value;
      const integration = setup.value.integration.name;
      const desc = await s.query<Row>(`DESC INTEGRATION ${ident(integration)}`);
      if (desc.isOk()) {
        const prop = (p: string) => {
          const row = desc.value.find((r) => field(r, 'property')?.toUpperCase() === p);
          return row ? field(row, 'property_value') : undefined;
        };
        const arn = prop('STORAGE_AWS_IAM_USER_ARN');
        const ext = prop('STORAGE_AWS_EXTERNAL_ID');
        if (arn && ext) {
          data['trustPolicy'] = iamTrustPolicy({ storageAwsIamUserArn: arn, storageAwsExternalId: ext });
          out.print(`-- 2. Trust policy of the same role (from DESC INTEGRATION ${integration}):\n${JSON.stringify(data['trustPolicy'], null, 2)}\n`);
        }
      } else notes.push(`trust policy: integration ${integration} not found (${desc.error.message}); run floe provision first`);
      // Every pipe's own queue, read like provision reads it, into core's one notification mapping.
      const piped = await pipeNotification(setup.value, s);
      if (piped.isErr()) problem = piped.error;
      else if (piped.value.notification) {
        data['pipes'] = piped.value.channels;
        data['bucketNotification'] = piped.value.notification.configuration;
        out.print(`-- 3. Notification configuration of bucket ${piped.value.notification.bucket} (S3 → each table's Snowpipe queue):\n${JSON.stringify(data['bucketNotification'], null, 2)}\n`);
      } else for (const m of piped.value.missing) notes.push(`bucket notification: pipe ${m.pipe} not found (${m.reason}); run floe provision first`);
      await s.close();
    }
  } else notes.push('--offline: the trust policy and the bucket notification need values Snowflake issues; run without --offline after floe provision');
  for (const n of notes) out.note(n);
  if (problem) out.error(problem);
  return { exitCode: problem ? EXIT.runFailed : EXIT.ok, data: { ...data, notes } };
};

/** `floe iam [--public-key <pem>]`: the AWS-side documents and the key-pair step. */
export const registerIam: Register = (program, run) => {
  withExamples(
    program
      .command('iam')
      .description('print the IAM permissions and trust policies and the bucket notification JSON (the latter two from Snowflake once provisioned)')
      .option('--public-key <pem file>', "also print ALTER USER <snowflake.user> SET RSA_PUBLIC_KEY = '...' for this public key")
      .option('--offline', 'do not contact Snowflake (prints what is known from the config alone)')
      .action(run(iam)),
    ['floe iam', 'floe iam --public-key floe_svc.pub', 'floe iam --offline --json'],
  );
};
