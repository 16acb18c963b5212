"""Settings of the worker processes started by tests/jobs/test_worker.py: the test settings plus
a job kind that can be held in the middle (tests/jobs/slowapp)."""

from tamky_poverty.settings_test import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.jobs.slowapp"]  # noqa: F405
JOBS_HEARTBEAT_SECONDS = 0.5
