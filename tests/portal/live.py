"""Helpers for tests that run the portal in its own process and talk to it over real HTTP.

Such a process has its own settings (its own DATABASE_URL, var folder and port), whatever
database the suite itself runs on, and it reads the real clock: mark its tests ``real_clock``.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def portal_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """A development environment (``make run``'s settings) confined to ``var_dir``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "CELERY_", "PORTAL_", "EMAIL_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings.local",
            "PORTAL_VAR_DIR": str(var_dir),
            "DATABASE_URL": f"sqlite:///{var_dir / 'portal.sqlite3'}",
            "PYTHONPATH": str(BASE_DIR),
            "PYTHONUNBUFFERED": "1",
            **extra,
        }
    )
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 180) -> str:
    """Run ``manage.py args`` to completion; its output (a failure shows it)."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def wait_for_http(port: int, path: str = "/accounts/login/", timeout: float = 60, process=None):
    """Wait until ``GET path`` answers 200; fail early when ``process`` has died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}")
        try:
            if Visitor(port).get(path)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"no HTTP 200 on port {port}{path} within {timeout} s")


class Visitor:
    """A browser without the browser: keeps cookies, never follows redirects.

    After ``log_in`` its cookies stay fixed, so threads may share one visitor (each request
    opens its own connection).
    """

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {"Referer": f"http://127.0.0.1:{self.port}{path}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            connection.close()

    def get(self, path: str) -> tuple[int, str]:
        return self.request("GET", path)

    def post(self, path: str, form: dict) -> tuple[int, str]:
        return self.request("POST", path, {"csrfmiddlewaretoken": self.csrf_token, **form})

    @property
    def csrf_token(self) -> str:
        return self.cookies["csrftoken"]

    def log_in(self, username: str, password: str) -> None:
        self.get("/accounts/login/")
        status, _ = self.post("/accounts/login/", {"username": username, "password": password})
        assert status == 302, f"log-in answered {status}"


def option_values(html: str, select_name: str) -> list[str]:
    """The non-empty option values of ``<select name=select_name>`` in a page."""
    select = re.search(rf'<select name="{select_name}".*?</select>', html, re.S)
    assert select, f"no select {select_name!r} in the page"
    return [v for v in re.findall(r'<option value="([^"]*)"', select.group(0)) if v]
