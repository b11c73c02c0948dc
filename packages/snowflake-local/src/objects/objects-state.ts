/**
 * What every handler of the objects layer shares: the catalog, the account's stable AWS
 * identities (the IAM user integrations trust, the SQS queue pipes listen on), and the readers.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { LoaderDeps } from './copy-loader.js';
import { ObjectCatalog } from './object-catalog.js';
import { ParquetReader } from './parquet-records.js';
import type { ObjectStore } from './s3-object-store.js';

export interface AccountIdentity {
  /** The Snowflake account locator, upper case (prefix of external ids). */
  readonly account: string;
  readonly region: string;
  /** 12 digits, stable per account. */
  readonly awsAccountId: string;
  /** The one IAM user Snowflake uses for every storage integration of the account. */
  readonly iamUserArn: string;
  /** The SQS queue shared by the account's auto-ingest pipes. */
  readonly notificationChannel: string;
}

/** Derives stable, realistic-looking AWS identities from the account name. */
export function accountIdentity(account: string, region: string): AccountIdentity {
  const h = createHash('sha256').update(`floe-local:${account.toUpperCase()}`).digest();
  const digits = Array.from(h.subarray(0, 12), (b) => String(b % 10)).join('');
  const awsAccountId = `${(Number(digits[0]) % 9) + 1}${digits.slice(1)}`;
  const userSuffix = h.subarray(12, 16).toString('hex');
  const queueId = h.subarray(16, 32).toString('base64').replace(/[^A-Za-z0-9]/g, '').toUpperCase().slice(0, 16);
  return {
    account: account.toUpperCase(),
    region,
    awsAccountId,
    iamUserArn: `arn:aws:iam::${awsAccountId}:user/${userSuffix.slice(0, 4)}0000-s`,
    notificationChannel: `arn:aws:sqs:${region}:${awsAccountId}:sf-snowpipe-AIDA${queueId}-${h.subarray(20, 28).toString('hex')}`,
  };
}

/** A fresh external id, as Snowflake issues one per CREATE (OR REPLACE) of an integration. */
export function newExternalId(account: string): string {
  const n = 1 + (randomBytes(1)[0] ?? 0) % 9;
  return `${account.toUpperCase()}_SFCRole=${n}_${randomBytes(21).toString('base64')}`;
}

export interface ObjectsState extends LoaderDeps {
  readonly catalog: ObjectCatalog;
  readonly identity: AccountIdentity;
  readonly store: ObjectStore;
  readonly parquet: ParquetReader;
}
