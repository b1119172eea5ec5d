"""`cells admin db copy`: a single-machine installation on SQLite, moved to PostgreSQL and started
again on the same data folder, keeps its users, passwords, clients, tokens, sessions, signing keys
and files. Always copies from SQLite (whatever CELLS_TEST_BACKEND says) into a fresh PostgreSQL
database on the server at CELLS_TEST_PG."""
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile

import pytest
import requests

from conftest import ADMIN_PASSWORD, BIN, PG_URL, Cells, pg_database
from oidc_flow import Browser, exchange, pkce, query

NOWHERE = "postgresql://nobody@/none?host=/nonexistent&port=1"
CC_ID, CC_SECRET = "copy-backend", "copy-backend-secret-0123456789"
FILE = os.urandom(200_000) + "é✓ end".encode()
ROW = re.compile(r"^(\w+)\s+(\d+)\s+(\d+)\s+([0-9a-f]{16})\s+([0-9a-f]{16})\s+(ok|MISMATCH)$", re.M)


def db_copy(*args):
    return subprocess.run([BIN, "admin", "db", "copy", *args], capture_output=True, text=True, timeout=120)


def propfind_uuid(cells, path, auth):
    r = requests.request("PROPFIND", cells.url + "/dav/" + path, auth=auth, headers={"Depth": "0"})
    assert r.status_code == 207, r.text
    return re.search(r"<C:uuid>([0-9a-f-]{36})</C:uuid>", r.text).group(1)


def kids(cells):
    return {k["kid"] for k in requests.get(cells.issuer + "/.well-known/jwks.json").json()["keys"]}


def me(cells, token):
    return requests.get(cells.url + "/a/user/me", headers={"Authorization": "Bearer " + token})


def client_credentials(cells):
    return requests.post(cells.issuer + "/oauth2/token", auth=(CC_ID, CC_SECRET), data={"grant_type": "client_credentials"})


@pytest.fixture(scope="module")
def installation():
    """A stopped SQLite installation with some of everything in it, and what it handed out."""
    if not PG_URL:
        pytest.skip("CELLS_TEST_PG is not set: no PostgreSQL server to copy to")
    data = tempfile.mkdtemp(prefix="cells-it-copy-")
    sqlite_url = "sqlite:" + os.path.join(data, "cells.db")
    src = Cells(data=data, extra_args=["--db", sqlite_url]).start()
    try:
        src.create_user("carla", "carla-password-1", email="carla@example.org")
        src.create_user("Dmitri", "dmitri-password-1")
        src.admin("client", "create", "--id", CC_ID, "--secret-stdin", "--grant", "client_credentials",
                  "--name", "Copy backend", stdin=CC_SECRET + "\n")
        pat = src.admin("user", "token", "-u", "carla", "-e", "1h", "-q").stdout.strip()
        auth = ("carla", "carla-password-1")
        assert requests.put(src.url + "/dav/personal-files/report.bin", data=FILE, auth=auth).status_code == 201
        uuid = propfind_uuid(src, "personal-files/report.bin", auth)
        browser = Browser(src)
        code, verifier, _ = browser.code_flow("Dmitri", "dmitri-password-1")
        tokens = exchange(src, code, verifier).json()
        assert "refresh_token" in tokens, tokens
        result = dict(data=data, sqlite_url=sqlite_url, port=src.port, url=src.url, pat=pat, uuid=uuid, tokens=tokens, browser=browser,
                      kids=kids(src), running_copy=db_copy("--from", sqlite_url, "--to", pg_database()))
    finally:
        src.stop()
    yield result
    shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="module")
def copied(installation):
    target = pg_database()
    r = db_copy("--from", installation["sqlite_url"], "--to", target)
    assert r.returncode == 0, r.stdout + r.stderr
    dst = Cells(data=installation["data"], extra_args=["--db", target])
    # Same address as before, hence the same issuer: tokens issued before the move stay valid.
    dst.port, dst.url, dst.issuer = installation["port"], installation["url"], installation["url"] + "/oidc"
    dst.start()
    yield dict(installation, target=target, result=r, dst=dst)
    dst.stop()


def test_refuses_while_the_source_server_runs(installation):
    r = installation["running_copy"]
    assert r.returncode == 1 and "server is running" in r.stderr, r.stderr


def test_prints_verified_counts_and_checksums(copied):
    r = copied["result"]
    rows = {m[0]: m[1:] for m in ROW.findall(r.stdout)}
    for table in ("users", "clients", "signing_keys", "login_sessions", "auth_codes", "refresh_tokens", "revoked_grants",
                  "revoked_tokens", "login_failures", "nodes", "node_props", "workspaces", "workspace_grants",
                  "personal_tokens", "dav_locks"):
        assert table in rows, (table, r.stdout)
        source, target, sum_source, sum_target, status = rows[table]
        assert source == target and sum_source == sum_target and status == "ok", (table, rows[table])
    assert rows["users"][0] == "3", "admin, carla, Dmitri"
    assert rows["clients"][0] == "1" and rows["personal_tokens"][0] == "1"
    assert rows["login_sessions"][0] == "1" and rows["refresh_tokens"][0] == "1" and rows["auth_codes"][0] == "1"
    assert int(rows["nodes"][0]) >= 2, "a root and the file"
    assert int(rows["signing_keys"][0]) >= 4
    assert "schema_migrations" not in rows
    assert re.search(r"copied and verified 15 tables, \d+ rows", r.stdout), r.stdout
    # stderr is not a terminal here: one plain line per table.
    assert re.search(r"^copying nodes: (\d+)/\1 rows$", r.stderr, re.M), r.stderr
    assert "\r" not in r.stderr and "database migrated" not in r.stdout + r.stderr


def test_passwords_still_log_in(copied):
    dst = copied["dst"]
    for login, password in (("carla", "carla-password-1"), ("dmitri", "dmitri-password-1"), ("admin", ADMIN_PASSWORD)):
        r = requests.request("PROPFIND", dst.url + "/dav/personal-files/", auth=(login, password), headers={"Depth": "0"})
        assert r.status_code == 207, (login, r.status_code)
    r = requests.request("PROPFIND", dst.url + "/dav/personal-files/", auth=("carla", "wrong"), headers={"Depth": "0"})
    assert r.status_code == 401


def test_pat_still_works_as_bearer(copied):
    r = me(copied["dst"], copied["pat"])
    assert r.status_code == 200 and r.json()["login"] == "carla" and r.json()["token_kind"] == "personal"


def test_file_is_byte_identical_with_the_same_uuid(copied):
    dst, auth = copied["dst"], ("carla", "carla-password-1")
    assert requests.get(dst.url + "/dav/personal-files/report.bin", auth=auth).content == FILE
    assert propfind_uuid(dst, "personal-files/report.bin", auth) == copied["uuid"]
    st = requests.get(dst.url + "/a/tree/stat", params={"path": "personal-files/report.bin"},
                      headers={"Authorization": "Bearer " + copied["pat"]}).json()
    assert st["uuid"] == copied["uuid"]


def test_client_secret_and_signing_keys_carry_over(copied):
    dst = copied["dst"]
    r = client_credentials(dst)
    assert r.status_code == 200 and r.json()["access_token"], r.text
    assert kids(dst) == copied["kids"], "the same keys, not fresh ones"


def test_oidc_tokens_and_session_from_before_the_copy(copied):
    dst, tokens = copied["dst"], copied["tokens"]
    assert me(dst, tokens["access_token"]).status_code == 200, "signed by a copied key"
    r = requests.post(dst.issuer + "/oauth2/token", data={"grant_type": "refresh_token", "client_id": "cells-client",
                                                          "refresh_token": tokens["refresh_token"]})
    assert r.status_code == 200, r.text
    # The browser's login session cookie is still good: no login page this time.
    browser = Browser(dst)
    browser.s = copied["browser"].s
    verifier, challenge = pkce()
    _, r = browser.authorize(challenge=challenge)
    assert r.status_code == 302 and "code=" in r.headers["Location"], r.headers.get("Location")
    r = exchange(dst, query(r.headers["Location"])["code"], verifier)
    assert r.status_code == 200 and r.json()["id_token"], r.text


def test_refuses_a_target_that_holds_rows(copied):
    copied["dst"].stop()
    r = db_copy("--from", copied["sqlite_url"], "--to", copied["target"])
    assert r.returncode == 1, r.stdout + r.stderr
    assert "already holds rows" in r.stderr and "users (3)" in r.stderr, r.stderr
    copied["dst"].start()


def test_bad_urls_are_explained(tmp_path):
    source = "sqlite:" + str(tmp_path / "source.db")  # an empty installation, no server on it
    with sqlite3.connect(str(tmp_path / "source.db")) as empty:
        empty.execute("PRAGMA user_version = 0")
        empty.execute("VACUUM")  # writes the file header
    r = db_copy("--from", source, "--to", "mysql://x@y/z")
    assert r.returncode == 2 and "--to" in r.stderr and "sqlite:" in r.stderr, r.stderr
    r = db_copy("--from", "sqlite:" + str(tmp_path / "missing.db"), "--to", NOWHERE)
    assert r.returncode == 1 and "no SQLite database" in r.stderr, r.stderr
    assert not (tmp_path / "missing.db").exists(), "a mistyped source is not created"
    r = db_copy("--from", source, "--to", NOWHERE)
    assert r.returncode == 1 and "cannot open the database" in r.stderr, r.stderr
    r = db_copy("--from", source, "--to", source)
    assert r.returncode == 1 and "same database" in r.stderr, r.stderr


def test_help():
    r = subprocess.run([BIN, "admin", "db", "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "copy" in r.stdout
    r = subprocess.run([BIN, "admin", "db", "copy", "--help"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    for text in ("--from", "--to", "STOP EVERY cells SERVER", "DATA/blobs", "EXIT STATUS"):
        assert text in r.stdout, text
    r = subprocess.run([BIN, "admin", "db", "copy", "--from", "sqlite:x"], capture_output=True, text=True)
    assert r.returncode != 0 and "--to" in r.stderr
