"""Checks the DAG without an Airflow installation: the few Airflow names the DAG file imports are
stood in for by minimal fakes, so the test proves the DAG's shape (tasks, order, templated commands,
retries, timetable) and the exit-code handling of `floe()` against a real child process.

Run: python3 -m unittest discover -s examples/airflow/tests
"""

from __future__ import annotations

import importlib.util
import os
import stat
import sys
import tempfile
import types
import unittest
from pathlib import Path

DAG_FILE = Path(__file__).resolve().parent.parent / "dags" / "floe_daily.py"


class AirflowException(Exception):
    pass


class AirflowFailException(AirflowException):
    pass


class FakeDag:
    current = None

    def __init__(self, **kwargs):
        self.kwargs = kwargs
        self.tasks = []

    def __enter__(self):
        FakeDag.current = self
        return self

    def __exit__(self, *exc):
        FakeDag.current = None
        return False


class FakeOperator:
    def __init__(self, task_id, **kwargs):
        self.task_id = task_id
        self.kwargs = kwargs
        self.downstream = []
        FakeDag.current.tasks.append(self)

    def __rshift__(self, other):
        self.downstream.append(other)
        return other


class FakeTimetable:
    def __init__(self, cron, timezone):
        self.cron = cron
        self.timezone = timezone


def install_fakes() -> None:
    modules = {
        "airflow": types.ModuleType("airflow"),
        "airflow.exceptions": types.ModuleType("airflow.exceptions"),
        "airflow.timetables": types.ModuleType("airflow.timetables"),
        "airflow.timetables.interval": types.ModuleType("airflow.timetables.interval"),
        "airflow.sdk": types.ModuleType("airflow.sdk"),
        "airflow.providers": types.ModuleType("airflow.providers"),
        "airflow.providers.standard": types.ModuleType("airflow.providers.standard"),
        "airflow.providers.standard.operators": types.ModuleType("airflow.providers.standard.operators"),
        "airflow.providers.standard.operators.python": types.ModuleType("airflow.providers.standard.operators.python"),
    }
    modules["airflow.exceptions"].AirflowException = AirflowException
    modules["airflow.exceptions"].AirflowFailException = AirflowFailException
    modules["airflow.timetables.interval"].CronDataIntervalTimetable = FakeTimetable
    modules["airflow.sdk"].DAG = FakeDag
    modules["airflow.providers.standard.operators.python"].PythonOperator = FakeOperator
    sys.modules.update(modules)


def load_dag_module():
    install_fakes()
    spec = importlib.util.spec_from_file_location("floe_daily", DAG_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FloeDailyDagTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.module = load_dag_module()
        cls.dag = cls.module.dag

    def test_runs_the_day_then_verifies_it(self):
        tasks = {t.task_id: t for t in self.dag.tasks}
        self.assertEqual(list(tasks), ["floe_run", "floe_verify"])
        self.assertEqual(tasks["floe_run"].kwargs["op_args"], ["run", "--date", "{{ ds }}"])
        self.assertEqual(tasks["floe_verify"].kwargs["op_args"], ["verify", "--date", "{{ ds }}"])
        self.assertEqual(tasks["floe_run"].downstream, [tasks["floe_verify"]])
        self.assertIs(tasks["floe_run"].kwargs["python_callable"], self.module.floe)

    def test_retries_and_schedule(self):
        tasks = {t.task_id: t for t in self.dag.tasks}
        self.assertEqual(tasks["floe_run"].kwargs["retries"], 3)
        self.assertTrue(tasks["floe_run"].kwargs["retry_exponential_backoff"])
        self.assertGreaterEqual(tasks["floe_verify"].kwargs["retries"], 1)
        timetable = self.dag.kwargs["schedule"]
        self.assertIsInstance(timetable, FakeTimetable)
        self.assertEqual((timetable.cron, timetable.timezone), ("30 1 * * *", "UTC"))
        self.assertEqual(self.dag.kwargs["max_active_runs"], 1)


class FloeExitCodeTest(unittest.TestCase):
    """`floe()` against a stand-in `floe` executable that prints JSON and exits with a chosen code."""

    @classmethod
    def setUpClass(cls):
        cls.module = load_dag_module()
        cls.dir = tempfile.TemporaryDirectory()
        fake = Path(cls.dir.name) / "floe"
        fake.write_text(
            "#!/bin/sh\n"
            'printf \'{"args": "%s"}\' "$*"\n'
            'echo "note on stderr" >&2\n'
            'exit "${FAKE_FLOE_EXIT:-0}"\n'
        )
        fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
        cls.module.FLOE_BIN = str(fake)
        cls.module.FLOE_CONFIG = "/etc/floe/floe.config.yaml"

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def run_with_exit(self, code: int):
        os.environ["FAKE_FLOE_EXIT"] = str(code)
        try:
            return self.module.floe("run", "--date", "2026-11-25")
        finally:
            del os.environ["FAKE_FLOE_EXIT"]

    def test_success_returns_the_json_summary_with_config_and_json_flags(self):
        self.assertEqual(self.run_with_exit(0), {"args": "run --date 2026-11-25 --config /etc/floe/floe.config.yaml --json"})

    def test_a_failed_run_is_retried(self):
        with self.assertRaises(AirflowException) as caught:
            self.run_with_exit(1)
        self.assertNotIsInstance(caught.exception, AirflowFailException)
        self.assertIn("exited 1", str(caught.exception))

    def test_differences_are_retried(self):
        with self.assertRaises(AirflowException) as caught:
            self.run_with_exit(3)
        self.assertNotIsInstance(caught.exception, AirflowFailException)

    def test_a_configuration_error_fails_without_retry(self):
        with self.assertRaises(AirflowFailException):
            self.run_with_exit(2)


if __name__ == "__main__":
    unittest.main()
