"""WebDAV under /dav/ with HTTP Basic, against a real `cells` process: litmus (basic and copymove
suites), cadaver as a real client, and the rules the REST API shares."""
import os
import re
import subprocess

import pytest
import requests

from oidc_flow import Browser, exchange


@pytest.fixture(scope="module")
def dav(cells):
    cells.create_user("wanda", "wanda-password-1")
    cells.create_user("xavier", "xavier-password-1")
    return cells


def url(cells, path):
    return cells.url + "/dav/" + path


@pytest.mark.parametrize("suite", ["basic", "copymove", "props", "locks", "http"])
def test_litmus_suites(dav, suite, tmp_path):
    r = subprocess.run(["litmus", "-k", url(dav, "personal-files/"), "wanda", "wanda-password-1"],
                       env=dict(os.environ, TESTS=suite, HOME=str(tmp_path)), capture_output=True, text=True,
                       timeout=300, cwd=tmp_path)
    summary = re.search(r"summary for `%s': of (\d+) tests run: (\d+) passed" % suite, r.stdout)
    assert summary, r.stdout + r.stderr
    assert summary.group(1) == summary.group(2), r.stdout


def test_cadaver_put_ls_get(dav, tmp_path):
    (tmp_path / ".netrc").write_text("machine 127.0.0.1 login wanda password wanda-password-1\n")
    os.chmod(tmp_path / ".netrc", 0o600)
    src = tmp_path / "hello.txt"
    src.write_bytes(b"hello from cadaver\n")
    script = f"mkcol cad\ncd cad\nput {src} hello.txt\nls\nget hello.txt {tmp_path}/back.txt\nquit\n"
    r = subprocess.run(["cadaver", url(dav, "personal-files/")], input=script, env=dict(os.environ, HOME=str(tmp_path)),
                       capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert "hello.txt" in r.stdout, r.stdout + r.stderr
    assert (tmp_path / "back.txt").read_bytes() == b"hello from cadaver\n"


def test_propfind_reports_node_uuid_and_depth_rules(dav):
    auth = ("wanda", "wanda-password-1")
    requests.request("MKCOL", url(dav, "personal-files/props"), auth=auth)
    requests.put(url(dav, "personal-files/props/a%20b.txt"), data=b"x", auth=auth)
    r = requests.request("PROPFIND", url(dav, "personal-files/props/"), auth=auth, headers={"Depth": "1"})
    assert r.status_code == 207
    assert "/dav/personal-files/props/a%20b.txt</D:href>" in r.text
    uuids = re.findall(r"<C:uuid>([0-9a-f-]{36})</C:uuid>", r.text)
    assert len(uuids) == 2
    bearer = Browser(dav)
    code, verifier, _ = bearer.code_flow("wanda", "wanda-password-1")
    token = exchange(dav, code, verifier).json()["access_token"]
    st = requests.get(dav.url + "/a/tree/stat", params={"path": "personal-files/props/a b.txt"},
                      headers={"Authorization": "Bearer " + token}).json()
    assert st["uuid"] in uuids, "WebDAV and REST agree on the node's UUID"
    r = requests.request("PROPFIND", url(dav, "personal-files/"), auth=auth, headers={"Depth": "infinity"})
    assert r.status_code == 403
    r = requests.request("PROPFIND", url(dav, "personal-files/props/"), headers={"Depth": "0"})
    assert r.status_code == 401 and 'Basic realm="cells"' in r.headers["WWW-Authenticate"]


def test_basic_auth_failures_and_privacy(dav):
    r = requests.request("PROPFIND", url(dav, "personal-files/"), auth=("wanda", "wrong"), headers={"Depth": "0"})
    assert r.status_code == 401 and "Basic" in r.headers["WWW-Authenticate"]
    requests.put(url(dav, "personal-files/private.txt"), data=b"w", auth=("wanda", "wanda-password-1"))
    r = requests.get(url(dav, "personal-files/private.txt"), auth=("xavier", "xavier-password-1"))
    assert r.status_code == 404, "another user's personal files are not reachable"
    assert requests.get(url(dav, "personal-files/private.txt"), auth=("wanda", "wanda-password-1")).content == b"w"


def test_bad_paths(dav):
    auth = ("wanda", "wanda-password-1")
    assert requests.request("MKCOL", url(dav, "personal-files/a%2Fb"), auth=auth).status_code == 400
    assert requests.request("MKCOL", url(dav, "personal-files/%00"), auth=auth).status_code == 400
    # (the client collapses "..": the request lands on /dav/, above the workspaces)
    assert requests.request("MKCOL", url(dav, "personal-files/.."), auth=auth).status_code in (400, 403, 404)
    assert requests.get(url(dav, "nowhere/x"), auth=auth).status_code == 404


def test_password_change_stops_cached_basic_credentials_at_once(dav):
    dav.create_user("yara", "yara-password-1")
    old = ("yara", "yara-password-1")
    for _ in range(2):  # the second request is served from the verified-credentials cache
        assert requests.request("PROPFIND", url(dav, "personal-files/"), auth=old, headers={"Depth": "0"}).status_code == 207
    dav.admin("user", "set-password", "-u", "yara", "--password-stdin", stdin="yara-password-2\n")
    assert requests.request("PROPFIND", url(dav, "personal-files/"), auth=old, headers={"Depth": "0"}).status_code == 401
    new = ("yara", "yara-password-2")
    assert requests.request("PROPFIND", url(dav, "personal-files/"), auth=new, headers={"Depth": "0"}).status_code == 207
    dav.admin("user", "unlock", "-u", "yara")
