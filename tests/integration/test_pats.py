"""Personal access tokens (`cells admin user token`), used as Bearer and as the Basic password,
against a real `cells` process."""
import re
import time

import pytest
import requests

from conftest import Cells
from test_oidc import CONF_ID, CONF_SECRET


def pat(cells, *args):
    return cells.admin("user", "token", *args).stdout.strip()


def me(cells, token):
    return requests.get(cells.url + "/a/user/me", headers={"Authorization": "Bearer " + token})


def dav(cells, login, token, path="personal-files/"):
    return requests.request("PROPFIND", cells.url + "/dav/" + path, auth=(login, token), headers={"Depth": "0"})


@pytest.fixture(scope="module")
def pats(cells):
    cells.create_user("paula", "paula-password-1")
    cells.create_user("other", "other-password-1")
    return cells


def test_cli_output_and_bearer_and_basic_use(pats):
    out = pats.admin("user", "token", "-u", "paula", "-e", "24h", "--label", "ci").stdout
    token = re.search(r"Token \(shown once\): (cpat_\S+)", out).group(1)
    assert re.search(r"Id: \S+", out) and "Expires:" in out
    r = me(pats, token)
    assert r.status_code == 200 and r.json()["login"] == "paula" and r.json()["token_kind"] == "personal"
    assert dav(pats, "paula", token).status_code == 207
    assert dav(pats, "other", token).status_code == 401, "a token is refused for any other login"
    quiet = pat(pats, "-u", "paula", "-e", "1h", "-q")
    assert re.fullmatch(r"cpat_[A-Za-z0-9_-]{43}_[A-Za-z0-9_-]{6}", quiet)
    listing = pats.admin("user", "token", "list", "-u", "paula").stdout
    assert "ci" in listing and "paula" in listing and "cpat_" not in listing


def test_cli_rejects_bad_input(pats):
    for args, message in ((["-u", "paula"], "-e"), (["-u", "paula", "-e", "soon"], "duration"),
                          (["-u", "paula", "-a", "0"], "positive"), (["-u", "paula", "-e", "1h", "-s", "node:x:rw"], "node:"),
                          (["-u", "paula", "-e", "1h", "-s", "node:00000000-0000-4000-8000-000000000000:rw"], "does not exist"),
                          (["-u", "nobody", "-e", "1h"], "no user"), (["-u", "paula", "-e", "99999d"], "duration")):
        r = pats.admin("user", "token", *args, check=False)
        assert r.returncode != 0 and message in r.stderr, (args, r.stderr)


def test_hard_expiry(pats):
    token = pat(pats, "-u", "paula", "-e", "2s", "-q")
    assert me(pats, token).status_code == 200
    time.sleep(2.5)
    assert me(pats, token).status_code == 401


def test_revocation_takes_effect_on_next_request(pats):
    out = pats.admin("user", "token", "-u", "paula", "-a", "600").stdout
    token = re.search(r"(cpat_\S+)", out).group(1)
    token_id = re.search(r"Id: (\S+)", out).group(1)
    assert me(pats, token).status_code == 200 and dav(pats, "paula", token).status_code == 207
    pats.admin("user", "token", "revoke", token_id)
    assert me(pats, token).status_code == 401 and dav(pats, "paula", token).status_code == 401


def test_malformed_truncated_forged_tokens(pats):
    token = pat(pats, "-u", "paula", "-e", "1h", "-q")
    forged = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
    for bad in (token[:-1], token + "x", forged, "cpat_", "cpat_" + "a" * 50, "cpat_\u00e9" * 11):
        assert me(pats, bad).status_code == 401, bad
        assert dav(pats, "paula", bad).status_code == 401
    assert "database error" not in pats.logs()


def test_password_change_disables_older_tokens(pats):
    pats.create_user("pwchange", "pwchange-password-1")
    token = pat(pats, "-u", "pwchange", "-e", "1h", "-q")
    assert me(pats, token).status_code == 200
    time.sleep(1.1)
    pats.admin("user", "set-password", "-u", "pwchange", "--password-stdin", stdin="pwchange-password-2\n")
    assert me(pats, token).status_code == 401


def test_node_scopes_on_rest_and_webdav(pats):
    full = pat(pats, "-u", "paula", "-e", "1h", "-q")
    h = {"Authorization": "Bearer " + full}
    folder = requests.post(pats.url + "/a/tree/mkdir", params={"path": "personal-files/shared"}, headers=h).json()
    requests.put(pats.url + "/a/tree/content", params={"path": "personal-files/shared/in.txt"}, data=b"in", headers=h)
    requests.put(pats.url + "/a/tree/content", params={"path": "personal-files/out.txt"}, data=b"out", headers=h)
    ro = pat(pats, "-u", "paula", "-e", "1h", "-q", "-s", f"node:{folder['uuid']}:r")
    hr = {"Authorization": "Bearer " + ro}
    assert me(pats, ro).json()["node_scopes"] == [f"node:{folder['uuid']}:r"]
    assert requests.get(pats.url + "/a/tree/content", params={"path": "personal-files/shared/in.txt"}, headers=hr).content == b"in"
    assert requests.get(pats.url + "/a/tree/content", params={"path": "personal-files/out.txt"}, headers=hr).status_code == 403
    assert requests.put(pats.url + "/a/tree/content", params={"path": "personal-files/shared/new.txt"}, data=b"x",
                        headers=hr).status_code == 403
    assert requests.get(pats.url + "/dav/personal-files/shared/in.txt", auth=("paula", ro)).content == b"in"
    assert requests.get(pats.url + "/dav/personal-files/out.txt", auth=("paula", ro)).status_code == 403
    assert requests.put(pats.url + "/dav/personal-files/shared/new.txt", data=b"x", auth=("paula", ro)).status_code == 403
    rw = pat(pats, "-u", "paula", "-e", "1h", "-q", "-s", f"node:{folder['uuid']}:rw")
    assert requests.put(pats.url + "/dav/personal-files/shared/new.txt", data=b"x", auth=("paula", rw)).status_code == 201
    assert requests.put(pats.url + "/dav/personal-files/new.txt", data=b"x", auth=("paula", rw)).status_code == 403


def test_introspection_answers_for_pats(pats):
    pats.admin("client", "create", "--id", CONF_ID, "--secret-stdin", "--grant", "client_credentials", stdin=CONF_SECRET + "\n",
               check=False)
    token = pat(pats, "-u", "paula", "-e", "1h", "-q")
    r = requests.post(pats.issuer + "/oauth2/introspect", auth=(CONF_ID, CONF_SECRET), data={"token": token}).json()
    assert r["active"] is True and r["username"] == "paula" and r["exp"] > time.time()
    r = requests.post(pats.issuer + "/oauth2/introspect", auth=(CONF_ID, CONF_SECRET), data={"token": token[:-1] + "x"}).json()
    assert r == {"active": False}


def test_sliding_window_lives_while_used_and_survives_restart(fresh_cells):
    fresh_cells.start()
    fresh_cells.create_user("slide", "slide-password-1")
    token = pat(fresh_cells, "-u", "slide", "-a", "3", "-q")
    for _ in range(5):  # used every second for five seconds: longer than the window
        assert me(fresh_cells, token).status_code == 200
        time.sleep(1)
    assert me(fresh_cells, token).status_code == 200
    time.sleep(1.5)  # let the once-a-second flush record the last use
    assert fresh_cells.stop() == 0
    again = Cells(data=fresh_cells.data)
    again.log_path = fresh_cells.log_path + ".2"
    again.start()
    try:
        assert me(again, token).status_code == 200, "the slid expiry survived the restart"
        time.sleep(3.5)
        assert me(again, token).status_code == 401, "dead 3 s after its last use"
    finally:
        again.stop()


def test_self_service_tokens(pats):
    full = pat(pats, "-u", "paula", "-e", "1h", "-q")
    h = {"Authorization": "Bearer " + full}
    r = requests.post(pats.url + "/a/auth/tokens", json={"label": "laptop", "expire": "2h"}, headers=h)
    assert r.status_code == 201 and r.json()["token"].startswith("cpat_")
    mine = r.json()
    assert me(pats, mine["token"]).status_code == 200
    listing = requests.get(pats.url + "/a/auth/tokens", headers=h).json()["tokens"]
    assert any(t["id"] == mine["id"] and t["label"] == "laptop" for t in listing)
    assert all("token" not in t for t in listing)
    other = pat(pats, "-u", "other", "-e", "1h", "-q")
    assert requests.delete(pats.url + "/a/auth/tokens", params={"id": mine["id"]},
                           headers={"Authorization": "Bearer " + other}).status_code == 404, "not theirs"
    assert requests.delete(pats.url + "/a/auth/tokens", params={"id": mine["id"]}, headers=h).status_code == 204
    assert me(pats, mine["token"]).status_code == 401
    assert requests.post(pats.url + "/a/auth/tokens", json={"label": "x"}, headers=h).status_code == 400
    assert requests.post(pats.url + "/a/auth/tokens", data="nope", headers=h).status_code == 400
    folder = requests.post(pats.url + "/a/tree/mkdir", params={"path": "personal-files/ss"}, headers=h).json()
    scoped = requests.post(pats.url + "/a/auth/tokens", json={"expire": "1h", "scopes": [f"node:{folder['uuid']}:r"]},
                           headers=h).json()["token"]
    r = requests.post(pats.url + "/a/auth/tokens", json={"expire": "1h"}, headers={"Authorization": "Bearer " + scoped})
    assert r.status_code == 403
