import { configError } from '../errors.js';
import { checkBucket, normalisePrefix } from '../setup/setup-config.js';

/** An IAM policy document (the subset floe writes). */
export interface IamPolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly IamStatement[];
}

export interface IamStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow';
  readonly Principal?: { readonly AWS: string };
  readonly Action: string | readonly string[];
  readonly Resource?: string;
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export type AwsPartition = 'aws' | 'aws-cn' | 'aws-us-gov';

/**
 * The permissions policy of the role Snowflake assumes: read objects under the prefix, list only
 * that prefix, locate the bucket. Nothing that writes or deletes (floe never asks Snowflake to
 * PURGE or unload). Shape: docs.snowflake.com/en/user-guide/data-load-s3-config-storage-integration
 * (step 1, "Creating an IAM policy").
 */
export function iamPermissionsPolicy(opts: { readonly bucket: string; readonly prefix: string; readonly partition?: AwsPartition }): IamPolicyDocument {
  const bucket = checkBucket(opts.bucket);
  const prefix = normalisePrefix(opts.prefix);
  const arn = `arn:${opts.partition ?? 'aws'}:s3:::${bucket}`;
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'FloeReadStagedFiles', Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: `${arn}/${prefix}/*` },
      { Sid: 'FloeListStagingPrefix', Effect: 'Allow', Action: 's3:ListBucket', Resource: arn, Condition: { StringLike: { 's3:prefix': [`${prefix}/*`] } } },
      { Sid: 'FloeLocateBucket', Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: arn },
    ],
  };
}

const IAM_USER_ARN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:(user|role)\/[A-Za-z0-9+=,.@_/-]+$/;
// Snowflake issues ids like `ABC12345_SFCRole=2_a1b2c3...`; AWS allows 2-1224 of these characters.
const EXTERNAL_ID = /^[A-Za-z0-9+=,.@:/_-]{2,1224}$/;

/**
 * The trust policy of that role: only Snowflake's IAM user, and only with the integration's
 * external id (values from `DESC STORAGE INTEGRATION`).
 */
export function iamTrustPolicy(opts: { readonly storageAwsIamUserArn: string; readonly storageAwsExternalId: string }): IamPolicyDocument {
  if (!IAM_USER_ARN.test(opts.storageAwsIamUserArn)) configError(`${JSON.stringify(opts.storageAwsIamUserArn)} is not an IAM user ARN.`, 'Copy STORAGE_AWS_IAM_USER_ARN from DESC STORAGE INTEGRATION as is.', 'STORAGE_AWS_IAM_USER_ARN');
  if (!EXTERNAL_ID.test(opts.storageAwsExternalId)) configError('The external id is empty or holds characters AWS does not accept.', 'Copy STORAGE_AWS_EXTERNAL_ID from DESC STORAGE INTEGRATION as is.', 'STORAGE_AWS_EXTERNAL_ID');
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'FloeSnowflakeAssumeRole',
        Effect: 'Allow',
        Principal: { AWS: opts.storageAwsIamUserArn },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': opts.storageAwsExternalId } },
      },
    ],
  };
}
