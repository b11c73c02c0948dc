"""floe's daily job on Apache Airflow: extract yesterday to S3, then reconcile it with Snowflake.

One DAG run per day. ``floe run --date {{ ds }}`` writes the day of every configured table from
PostgreSQL to S3 (staged parts, then published, ``_manifest.json`` last); Snowpipe loads them and
the Snowflake task merges them on its own CRON. ``floe verify --date {{ ds }}`` then compares that
day's row counts and exact sums between PostgreSQL and Snowflake.

Retries are safe: a re-run of a day writes a new run id and Snowflake keeps the latest delivery per
key, so nothing is duplicated. floe's exit codes decide what is retried:

* 0 ok;
* 1 a run failed (network, S3, PostgreSQL, Snowflake): retried;
* 2 usage or configuration error, nothing was attempted: fails at once, retrying cannot help;
* 3 verify found differences: retried, because Snowflake's merge task may not have run yet.

Settings come from the worker's environment (read when the DAG file is parsed):
``FLOE_BIN`` (default ``floe``; may hold arguments, e.g. ``node /opt/floe/bin.js``), ``FLOE_CONFIG`` (path of the floe config on the workers),
``FLOE_SCHEDULE`` (default ``30 1 * * *``), ``FLOE_TIME_ZONE`` (default ``UTC``, should be the
config's ``run.timeZone``), ``FLOE_VERIFY_DELAY_MINUTES`` (default 30). The secrets the config names
(``source.passwordEnv``, the Snowflake private key variable) must be in the workers' environment,
e.g. from Airflow's secrets backend; they are never put on the command line.
"""

from __future__ import annotations

import json
import logging
import os
import shlex
import subprocess
from datetime import datetime, timedelta, timezone

from airflow.exceptions import AirflowException, AirflowFailException
from airflow.timetables.interval import CronDataIntervalTimetable

try:  # Airflow 3
    from airflow.providers.standard.operators.python import PythonOperator
    from airflow.sdk import DAG
except ImportError:  # Airflow 2.4+
    from airflow import DAG
    from airflow.operators.python import PythonOperator

log = logging.getLogger(__name__)

FLOE_BIN = os.environ.get("FLOE_BIN", "floe")
FLOE_CONFIG = os.environ.get("FLOE_CONFIG", "floe.config.yaml")
SCHEDULE = os.environ.get("FLOE_SCHEDULE", "30 1 * * *")
TIME_ZONE = os.environ.get("FLOE_TIME_ZONE", "UTC")
VERIFY_DELAY = timedelta(minutes=int(os.environ.get("FLOE_VERIFY_DELAY_MINUTES", "30")))

#: floe's documented exit codes (``floe --help``).
EXIT_OK, EXIT_RUN_FAILED, EXIT_USAGE, EXIT_CHECK_FAILED = 0, 1, 2, 3


def floe(*args: str) -> dict:
    """Runs ``floe <args> --config FLOE_CONFIG --json``; returns its JSON summary (kept as the task's XCom).

    Raises AirflowFailException (no retry) on a usage/configuration error, AirflowException
    (retried) on any other failure.
    """
    command = [*shlex.split(FLOE_BIN), *args, "--config", FLOE_CONFIG, "--json"]
    log.info("running %s", " ".join(command))
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.stderr:
        log.info("floe stderr:\n%s", done.stderr)
    try:
        summary = json.loads(done.stdout) if done.stdout.strip() else {}
    except json.JSONDecodeError:
        summary = {"stdout": done.stdout}
    if done.returncode == EXIT_OK:
        return summary
    message = f"floe {' '.join(args)} exited {done.returncode}: {json.dumps(summary)[:2000]}"
    if done.returncode == EXIT_USAGE:
        raise AirflowFailException(message)
    raise AirflowException(message)


with DAG(
    dag_id="floe_daily",
    description="floe: PostgreSQL -> S3 -> Snowpipe, one day per run, then verify against Snowflake",
    # Data-interval semantics on Airflow 2 and 3 alike: the run that starts after a day ends gets
    # that day as {{ ds }} (Airflow 3's default cron timetable would give the trigger day instead).
    schedule=CronDataIntervalTimetable(SCHEDULE, timezone=TIME_ZONE),
    start_date=datetime(2026, 11, 1, tzinfo=timezone.utc),
    # Past days are loaded with `floe backfill`; turn this on to let Airflow replay them one by one.
    catchup=False,
    # Cursor tables share one watermark: one day at a time.
    max_active_runs=1,
    default_args={"owner": "data-engineering", "depends_on_past": False},
    tags=["floe"],
) as dag:
    extract = PythonOperator(
        task_id="floe_run",
        python_callable=floe,
        op_args=["run", "--date", "{{ ds }}"],
        retries=3,
        retry_delay=timedelta(minutes=5),
        retry_exponential_backoff=True,
        execution_timeout=timedelta(hours=2),
    )
    verify = PythonOperator(
        task_id="floe_verify",
        python_callable=floe,
        op_args=["verify", "--date", "{{ ds }}"],
        # Snowpipe loads within minutes, but the merge task runs on its CRON: wait for it.
        retries=8,
        retry_delay=VERIFY_DELAY,
        execution_timeout=timedelta(minutes=30),
    )
    extract >> verify
