"""Production settings refuse to start without their secrets and pass `check --deploy` clean."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ALLOWED_HOSTS", "DATABASE_URL"))}
    env.update({"DJANGO_SETTINGS_MODULE": "portal.settings.production", **env_overrides})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "p7#kV2!qL9zR4@mX8sT1&wE6yU3^oI5-aS0dF2gH7jK4lZ9xCvB8nM",
    "ALLOWED_HOSTS": "portal.example.gov.cn",
    "DATABASE_URL": "postgres://portal@db.internal:5432/portal",
}


def test_production_check_deploy_reports_nothing():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_local_settings_need_nothing(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_"))}
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings.local"
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.TIME_ZONE, s.LANGUAGE_CODE)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "Asia/Shanghai", "zh-hans"], result.stderr
