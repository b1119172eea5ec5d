"""The server process itself: start-up, data folder, health, admin channel, shutdown."""
import os
import stat
import subprocess

import requests

from conftest import BACKEND, BIN, Cells


def test_first_start_creates_private_data_folder_and_database(fresh_cells):
    fresh_cells.start()
    mode = stat.S_IMODE(os.stat(fresh_cells.data).st_mode)
    assert mode == 0o700
    if BACKEND == "sqlite":
        assert os.path.exists(os.path.join(fresh_cells.data, "cells.db"))
    sock = os.path.join(fresh_cells.data, "admin.sock")
    assert stat.S_IMODE(os.stat(sock).st_mode) == 0o600


def test_healthz_and_unknown_paths(cells):
    r = requests.get(cells.url + "/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}
    r = requests.get(cells.url + "/no/such/thing")
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    r = requests.post(cells.url + "/healthz")
    assert r.status_code == 405 and "GET" in r.headers["Allow"]


def test_access_log_has_one_line_per_request_without_query(cells):
    requests.get(cells.url + "/healthz?code=secret-code-value")
    logs = cells.logs()
    assert "path=/healthz status=200" in logs
    assert "secret-code-value" not in logs


def test_oversized_requests_get_4xx_and_server_keeps_serving(cells):
    r = requests.post(cells.url + "/healthz", data=b"x" * (2 * 1024 * 1024))
    assert r.status_code == 413
    r = requests.get(cells.url + "/healthz", headers={"X-Big": "y" * 40000})
    assert r.status_code == 431
    r = requests.get(cells.url + "/" + "a" * 20000)
    assert r.status_code == 431
    assert requests.get(cells.url + "/healthz").status_code == 200


def test_generated_admin_password_printed_once_and_reused(tmp_path):
    c = Cells(data=str(tmp_path / "data"))
    del c.env["CELLS_ADMIN_PASSWORD"]
    c.start()
    c.stop()
    assert "Created user 'admin' with password:" in c.logs()
    c2 = Cells(data=c.data)
    del c2.env["CELLS_ADMIN_PASSWORD"]
    c2.log_path = c.log_path + ".2"
    c2.start()
    users = c2.admin("user", "list").stdout
    c2.stop()
    assert "Created user" not in c2.logs()
    assert users.count("admin") == 1


def test_admin_user_lifecycle(cells):
    r = cells.create_user("Carol", "carol-password-1", email="carol@example.org")
    assert "created user Carol" in r.stdout
    dup = cells.admin("user", "create", "-u", "carol", "--password-stdin", stdin="another-pass-1\n", check=False)
    assert dup.returncode != 0 and "already exists" in dup.stderr
    listing = cells.admin("user", "list").stdout
    assert "Carol" in listing and "carol@example.org" in listing
    short = cells.admin("user", "set-password", "-u", "carol", "--password-stdin", stdin="short\n", check=False)
    assert short.returncode != 0 and "at least 8" in short.stderr
    cells.admin("user", "set-password", "-u", "CAROL", "--password-stdin", stdin="carol-password-2\n")
    cells.admin("user", "unlock", "-u", "carol")
    cells.admin("user", "delete", "-u", "carol")
    assert "Carol" not in cells.admin("user", "list").stdout
    gone = cells.admin("user", "delete", "-u", "carol", check=False)
    assert gone.returncode != 0


def test_admin_without_server_says_so(tmp_path):
    r = subprocess.run([BIN, "admin", "--data", str(tmp_path), "user", "list"], capture_output=True, text=True)
    assert r.returncode != 0
    assert "no cells server is running" in r.stderr


def test_help_everywhere():
    for args in (["--help"], ["start", "--help"], ["admin", "--help"], ["admin", "user", "--help"],
                 ["admin", "user", "create", "--help"]):
        r = subprocess.run([BIN, *args], capture_output=True, text=True)
        assert r.returncode == 0, args
        assert "Usage" in r.stdout or "usage" in r.stdout.lower()


def test_bad_flags_exit_nonzero_with_message():
    r = subprocess.run([BIN, "start", "--bind", "nonsense"], capture_output=True, text=True)
    assert r.returncode != 0 and "HOST:PORT" in r.stderr


def test_sigterm_stops_cleanly_and_data_survives(fresh_cells):
    fresh_cells.start()
    fresh_cells.create_user("dave", "dave-password-1")
    assert fresh_cells.stop() == 0
    again = Cells(data=fresh_cells.data)
    again.log_path = fresh_cells.log_path + ".2"
    again.start()
    try:
        assert "dave" in again.admin("user", "list").stdout
    finally:
        again.stop()


def test_data_files_are_private(fresh_cells):
    fresh_cells.start()
    for name in ("cells.db", "blobs", "tmp") if BACKEND == "sqlite" else ("blobs", "tmp"):
        mode = stat.S_IMODE(os.stat(os.path.join(fresh_cells.data, name)).st_mode)
        assert mode & 0o077 == 0, (name, oct(mode))


def test_trusted_proxy_names_the_client_for_logs_and_lockout(tmp_path):
    """Behind a trusted balancer, X-Forwarded-For is the client: address lockout hits only the
    attacker's address, not everyone behind the balancer. Untrusted peers cannot spoof it."""
    c = Cells(data=str(tmp_path / "data"), extra_args=["--trusted-proxies", "127.0.0.1"])
    c.start()
    try:
        c.create_user("victim", "victim-password-1")
        dav = c.url + "/dav/personal-files/"
        attacker = {"X-Forwarded-For": "198.51.100.66", "Depth": "0"}
        honest = {"X-Forwarded-For": "203.0.113.9", "Depth": "0"}
        for i in range(50):  # the per-address limit, spread over accounts so no account locks
            requests.request("PROPFIND", dav, auth=(f"guess{i}", "wrong-password"), headers=attacker)
        r = requests.request("PROPFIND", dav, auth=("victim", "victim-password-1"), headers=attacker)
        assert r.status_code == 401, "the attacker's address is locked"
        r = requests.request("PROPFIND", dav, auth=("victim", "victim-password-1"), headers=honest)
        assert r.status_code == 207, "another client behind the same balancer is not"
        assert "remote=198.51.100.66" in c.logs() and "remote=203.0.113.9" in c.logs()
    finally:
        c.stop()
    untrusted = Cells(data=str(tmp_path / "data2")).start()
    try:
        requests.get(untrusted.url + "/healthz", headers={"X-Forwarded-For": "192.0.2.1"})
        assert "remote=192.0.2.1" not in untrusted.logs() and "remote=127.0.0.1" in untrusted.logs()
    finally:
        untrusted.stop()
