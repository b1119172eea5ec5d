"""PostgreSQL goes away under a running node and comes back: every answer meanwhile is a 503 with
Retry-After (never a crash, a 500 or a wrong success), and the node recovers by itself."""
import os
import shutil
import subprocess
import tempfile
import time

import pytest
import requests

from conftest import BACKEND, Cells, pg_database

SCRIPT = os.path.join(os.path.dirname(__file__), "../../scripts/pg-test.sh")
pytestmark = pytest.mark.skipif(BACKEND != "postgres", reason="an outage test needs a PostgreSQL server")

SECRET = "outage-client-secret-0123456789"


def pg(cmd, folder):
    return subprocess.run(["bash", SCRIPT, cmd, folder], check=True, capture_output=True, text=True,
                          env=dict(os.environ, PG_TEST_DURABLE="1")).stdout.strip()


@pytest.fixture
def node_on_private_server():
    folder = tempfile.mkdtemp(prefix="cells-pg-outage-")
    url = pg("start", folder)
    node = Cells(extra_args=["--db", pg_database(url)])
    node.start()
    yield node, folder
    node.stop()
    pg("stop", folder)
    shutil.rmtree(node.data, ignore_errors=True)


def calls(node, token):
    """One of each kind of request that needs the database."""
    dav = node.url + "/dav/personal-files/kept.txt"
    return {
        "basic": lambda: requests.get(dav, auth=("olga", "olga-password-1"), timeout=10),
        "pat": lambda: requests.get(dav, headers={"Authorization": "Bearer " + token}, timeout=10),
        "token": lambda: requests.post(node.issuer + "/oauth2/token", auth=("outage-app", SECRET), timeout=10,
                                       data={"grant_type": "client_credentials"}),
        "rest": lambda: requests.get(node.url + "/a/auth/tokens", headers={"Authorization": "Bearer " + token},
                                     timeout=10),
    }


def test_outage_answers_503_with_retry_after_then_recovers(node_on_private_server):
    node, folder = node_on_private_server
    node.create_user("olga", "olga-password-1")
    node.admin("client", "create", "--id", "outage-app", "--secret-stdin", "--grant", "client_credentials",
               stdin=SECRET + "\n")
    token = node.admin("user", "token", "-u", "olga", "-e", "1h", "-q").stdout.strip()
    put = requests.put(node.url + "/dav/personal-files/kept.txt", data=b"still here", auth=("olga", "olga-password-1"))
    assert put.status_code == 201
    for name, call in calls(node, token).items():
        assert call().status_code == 200, name

    pg("halt", folder)
    for _ in range(3):
        for name, call in calls(node, token).items():
            r = call()
            assert r.status_code == 503, (name, r.status_code, r.text[:200])
            assert r.headers.get("Retry-After", "").isdigit(), name
    assert requests.get(node.url + "/oidc/.well-known/openid-configuration").status_code == 200, \
        "what needs no database keeps working"
    assert node.proc.poll() is None, "the node is still running"

    pg("start", folder)
    deadline = time.time() + 15
    while True:
        statuses = {name: call().status_code for name, call in calls(node, token).items()}
        if set(statuses.values()) == {200} or time.time() > deadline:
            break
        time.sleep(0.2)
    assert statuses == {"basic": 200, "pat": 200, "token": 200, "rest": 200}, statuses
    got = requests.get(node.url + "/dav/personal-files/kept.txt", auth=("olga", "olga-password-1"))
    assert got.content == b"still here"
    assert "500" not in [line.split("status=")[1][:3] for line in node.logs().splitlines() if "status=" in line]
