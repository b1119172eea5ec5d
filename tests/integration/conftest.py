"""Starts real `cells` processes in temporary folders, on real SQLite files or, when
CELLS_TEST_BACKEND=postgres, on a fresh database of the PostgreSQL server at CELLS_TEST_PG."""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse
import uuid

import pytest
import requests

BIN = os.environ.get("CELLS_BIN") or os.path.join(os.path.dirname(__file__), "../../build/cells")
ADMIN_PASSWORD = "admin-password-for-tests"
BACKEND = os.environ.get("CELLS_TEST_BACKEND", "sqlite")
PG_URL = os.environ.get("CELLS_TEST_PG", "")
_databases = {}  # data folder -> database URL, so a restarted process finds its data


def pg_database(base_url=None):
    """Creates an empty database on the PostgreSQL server of base_url; returns its URL."""
    base_url = base_url or PG_URL
    assert base_url, "CELLS_TEST_PG is not set (ctest sets it; see scripts/pg-test.sh)"
    name = "it_" + uuid.uuid4().hex[:16]
    subprocess.run(["psql", base_url, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(base_url)._replace(path="/" + name))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cells:
    """One `cells start` process and helpers to talk to it."""

    def __init__(self, data=None, env=None, extra_args=()):
        self.data = data or tempfile.mkdtemp(prefix="cells-it-")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.issuer = self.url + "/oidc"
        self.env = dict(os.environ, CELLS_ADMIN_PASSWORD=ADMIN_PASSWORD, **(env or {}))
        self.extra_args = list(extra_args)
        if BACKEND == "postgres" and not any(a.startswith("--db") for a in self.extra_args):
            self.db = _databases.setdefault(os.path.abspath(self.data), None) or pg_database()
            _databases[os.path.abspath(self.data)] = self.db
            self.extra_args += ["--db", self.db]
        else:
            self.db = "sqlite:" + os.path.join(self.data, "cells.db")
        self.proc = None
        self.log_path = os.path.join(os.path.dirname(os.path.abspath(self.data)), os.path.basename(self.data) + ".log")

    def start(self):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [BIN, "start", "--bind", f"127.0.0.1:{self.port}", "--data", self.data, *self.extra_args],
            env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 15
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"cells exited with {self.proc.returncode}: {self.logs()}")
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except requests.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("cells did not start: " + self.logs())

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=15)
        if self.proc:
            self.log.close()
        return self.proc.returncode if self.proc else None

    def logs(self):
        # A running server writes its log every 100 ms (src/app/logging.h): wait for the lines of
        # the requests just made.
        if self.proc and self.proc.poll() is None:
            time.sleep(0.4)
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def admin(self, *args, stdin=None, check=True):
        """Runs `cells admin --data DATA ARGS...`; returns the CompletedProcess."""
        r = subprocess.run([BIN, "admin", "--data", self.data, *args], input=stdin, capture_output=True,
                           text=True, timeout=30)
        if check and r.returncode != 0:
            raise AssertionError(f"cells admin {' '.join(args)} failed: {r.stdout} {r.stderr}")
        return r

    def create_user(self, login, password, email=""):
        args = ["user", "create", "-u", login, "--password-stdin"]
        if email:
            args += ["--email", email]
        return self.admin(*args, stdin=password + "\n")


@pytest.fixture(scope="module")
def cells():
    c = Cells().start()
    yield c
    c.stop()
    shutil.rmtree(c.data, ignore_errors=True)


@pytest.fixture
def fresh_cells():
    c = Cells()
    yield c
    c.stop()
    shutil.rmtree(c.data, ignore_errors=True)
