/**
 * The commented config `floe init` writes: the sales example (a `sales` table of order lines,
 * one file per order day). Every key it shows is validated by the same schema as user files
 * (a test parses it), so it cannot drift from what floe accepts.
 */
export function sampleConfig(): string {
  return `# floe: PostgreSQL -> S3 (gzip CSV or Parquet) -> Snowpipe -> Snowflake, once a day.
#
# Secrets never go in this file: it names the environment variables that hold them.
# Most keys can also be set by an environment variable (FLOE_SOURCE_URL, FLOE_S3_BUCKET,
# FLOE_SNOWFLAKE_ACCOUNT, ...): see ENV_OVERRIDES in @floe/core or the README.

source:
  # PostgreSQL URL without a password (or host/port/database/user keys instead).
  url: postgres://floe@127.0.0.1:5432/shop
  # The variable holding the password (default PGPASSWORD; unset = trust or .pgpass sign-in).
  passwordEnv: PGPASSWORD
  # true, or { rejectUnauthorized: true, caPath: ./rds-ca.pem } for a managed database.
  ssl: false
  # Cancels a statement that runs longer than this (0 or absent = no limit).
  statementTimeoutMs: 3600000

tables:
  # name: the logical table name; it appears in S3 keys (<prefix>/sales/dt=.../run=.../)
  # and in the Snowflake object names (SALES_LANDING, SALES_PIPE, ...).
  - name: sales
    # A table or view ({ schema, table }), or a query ({ query: "select ..." }).
    source: { schema: public, table: sales }
    # day: the rows whose orderdate falls in one calendar day of timeZone (the daily job).
    # cursor: the rows above the last watermark, e.g. { kind: cursor, column: updated_at, lagSeconds: 60 }.
    # full: every row.
    window: { kind: day, column: orderdate, timeZone: UTC }
    # csv (gzip) or parquet; parquetEngine: arrow (exact DECIMAL, default) or parquetjs-lite.
    format: csv
    # The key Snowflake de-duplicates on (default: the PostgreSQL primary key).
    primaryKey: [ordernumber, orderlinenumber]
    # A new part file starts at whichever bound is hit first (bytes before compression).
    bounds: { maxRows: 5000000, maxBytes: 1073741824 }
    # Big tables: read the window over N connections at once, one key range each, all in one
    # exported snapshot (key: an integer, numeric, date or timestamp column; default the primary key).
    # split: { slices: 2, key: ordernumber }

storage:
  # s3 (the bucket Snowpipe watches) or { kind: local, dir: ./out } to try floe without AWS.
  kind: s3
  bucket: my-floe-bucket
  prefix: floe
  region: us-east-1
  # endpoint: http://127.0.0.1:4569   # an S3-compatible server
  # forcePathStyle: true
  # sse: { type: aws:kms, kmsKeyId: alias/floe }   # or { type: AES256 }

snowflake:
  account: myorg-myaccount
  # accessUrl: http://127.0.0.1:8085  # the local endpoint of the demo (wins over account/host)
  user: FLOE_SVC
  role: FLOE_ROLE
  warehouse: FLOE_WH
  database: ANALYTICS
  schema: SALES
  # Key pair first (Snowflake is retiring password-only sign-in for service users):
  #   openssl genrsa 2048 | openssl pkcs8 -topk8 -nocrypt -out floe_svc.p8
  #   ALTER USER FLOE_SVC SET RSA_PUBLIC_KEY = '<public key>';
  # The key comes from a file (relative to this file) or from the variable privateKeyEnv;
  # passphraseEnv names the variable holding an encrypted key's passphrase.
  # Other choices: { kind: pat, tokenEnv: SNOWFLAKE_TOKEN }, { kind: password, passwordEnv: SNOWFLAKE_PASSWORD }.
  auth:
    kind: keypair
    privateKeyPath: ./floe_svc.p8
  # The IAM role the storage integration assumes to read the bucket; 'floe provision' prints
  # its trust policy once Snowflake has issued the values it needs.
  roleArn: arn:aws:iam::123456789012:role/floe-snowflake
  # Object names; {TABLE} is the upper-cased table name, {FORMAT} CSV or PARQUET.
  objects:
    integration: FLOE_S3_INTEGRATION
    stage: FLOE_STAGE
    fileFormat: FLOE_{FORMAT}
    landing: "{TABLE}_LANDING"
    target: "{TABLE}"
    pipe: "{TABLE}_PIPE"
    stream: "{TABLE}_LANDING_STREAM"
    task: "{TABLE}_MERGE"
  # When the task merges new landing rows into SALES / INVOICES / ITEMS (it skips runs with no rows).
  task: { schedule: "*/15 * * * *", timeZone: UTC }

run:
  # The zone of day windows that do not name their own.
  timeZone: UTC
  # Tables extracted at the same time.
  parallel: 1
`;
}
