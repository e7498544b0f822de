"""The portal served by gunicorn as production serves it, for the tests that stop a real component
under it (Redis in tests/portal/test_redis_outage.py, the read replica in tests/portal/test_replica.py)."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.celery_worker import wait_for
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """gunicorn on a free port with `env` (the test database and whatever the test points it at)."""

    def __init__(self, env: dict, tmp_path: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = env
        self.log = tmp_path / "gunicorn.log"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "-b", f"127.0.0.1:{self.port}"]
            + ["--workers", "1", "--threads", "4", "--timeout", "60"],
            cwd=ROOT,
            env=self.env,
            stdout=open(self.log, "ab"),
            stderr=subprocess.STDOUT,
        )
        wait_for(self._up, timeout=90)
        return self

    def _up(self) -> bool:
        assert self.process.poll() is None, self.log.read_text()
        try:
            return requests.get(self.base + "/healthz", timeout=5).status_code == 200
        except requests.RequestException:  # not listening yet, or booting slowly on a loaded machine
            return False

    def get(self, path: str, session=None, **kwargs) -> requests.Response:
        started = time.monotonic()
        response = (session or requests).get(self.base + path, timeout=30, **kwargs)
        response.elapsed_s = time.monotonic() - started
        return response

    def sign_in(self, username: str) -> requests.Session:
        session = requests.Session()
        session.get(self.base + "/accounts/login/", timeout=30)
        signed = session.post(
            self.base + "/accounts/login/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
            timeout=30,
            allow_redirects=False,
        )
        assert signed.status_code == 302, signed.text[:500]
        return session

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
