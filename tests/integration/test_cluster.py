"""Several nodes: two `cells` processes on one PostgreSQL database and one shared files folder,
behind a real nginx (round-robin). Runs only with CELLS_TEST_BACKEND=postgres (ctest sets it, with
CELLS_TEST_PG). Whatever one node does (issue, revoke, log out, change a password, rotate keys,
lock a file, count failed logins) the other must honour, within a second when a cache is involved."""
import base64
import hashlib
import json
import os
import random
import re
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
import requests

from cluster import Cluster, eventually, post, request_lines, same_time
from conftest import BACKEND
from oidc_flow import PUBLIC_REDIRECT, Browser, exchange, hidden, pkce, query

pytestmark = pytest.mark.skipif(BACKEND != "postgres",
                                reason="cluster tests need PostgreSQL: set CELLS_TEST_BACKEND=postgres and CELLS_TEST_PG")

PROPAGATION = 1.0  # seconds: how soon a change made on one node must be seen by the other
CC_ID, CC_SECRET = "cluster-backend", "cluster-backend-secret-0123456789"
USER, PASSWORD = "clara", "clara-password-1"
MIGRATED = re.compile(r"database migrated to version=(\d+)")


# ---------------------------------------------------------------------------------------------
# Fixture and helpers


@pytest.fixture(scope="module")
def cl():
    cluster = Cluster()
    try:
        cluster.start()
        cluster.a.create_user(USER, PASSWORD, email="clara@example.org")
        cluster.a.admin("client", "create", "--id", CC_ID, "--secret-stdin", "--grant", "client_credentials",
                        "--name", "Cluster backend", stdin=CC_SECRET + "\n")
        yield cluster
    finally:
        cluster.stop()
        if os.environ.get("CELLS_KEEP_CLUSTER"):
            print("cluster files kept in", cluster.root, cluster.nginx.prefix)
        else:
            cluster.cleanup()


def bearer(token):
    return {"Authorization": "Bearer " + token}


def userinfo(server, token):
    return requests.get(server.url + "/oidc/userinfo", headers=bearer(token), timeout=30)


def me(server, token):
    return requests.get(server.url + "/a/user/me", headers=bearer(token), timeout=30)


def propfind(server, auth, path="personal-files/"):
    return requests.request("PROPFIND", server.url + "/dav/" + path, auth=auth, headers={"Depth": "0"}, timeout=30)


def introspect(server, token):
    r = post(server.url + "/oidc/oauth2/introspect", auth=(CC_ID, CC_SECRET), data={"token": token})
    assert r.status_code == 200, r.text
    return r.json()


def refresh(server, token):
    return post(server.url + "/oidc/oauth2/token",
                data={"grant_type": "refresh_token", "client_id": "cells-client", "refresh_token": token})


def revoke(server, token):
    return post(server.url + "/oidc/oauth2/revoke", data={"token": token, "client_id": "cells-client"})


def new_pat(node, login, *args):
    out = node.admin("user", "token", "-u", login, *args).stdout
    return re.search(r"(cpat_\S+)", out).group(1), re.search(r"Id: (\S+)", out).group(1)


def jwks(server):
    return requests.get(server.url + "/oidc/.well-known/jwks.json", timeout=30).json()


def kid_of(jwt):
    head = jwt.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))["kid"]


def signed_in(cl, login=USER, password=PASSWORD):
    """A browser signed in through the balancer (its session cookie is valid on every node)."""
    b = Browser(cl.lb)
    b.code_flow(login, password)
    return b


def code_from(b, server):
    """An authorization code from `server`'s own authorization endpoint, for the signed-in browser."""
    verifier, challenge = pkce()
    params = {"client_id": "cells-client", "redirect_uri": PUBLIC_REDIRECT, "response_type": "code",
              "scope": "openid profile email offline", "state": "s", "code_challenge": challenge,
              "code_challenge_method": "S256"}
    r = b.get(server.url + "/oidc/oauth2/auth?" + urlencode(params))
    assert r.status_code == 302 and r.headers["Location"].startswith(PUBLIC_REDIRECT), (r.status_code, r.text)
    return query(r.headers["Location"])["code"], verifier


def tokens_from(b, server):
    """Authorization code flow entirely on `server` (code and exchange); returns the token response."""
    code, verifier = code_from(b, server)
    r = exchange(server, code, verifier)
    assert r.status_code == 200, r.text
    return r.json()


def refused_on(server, fn):
    """A poll check: True once fn(server) is a 401."""
    return lambda: fn(server).status_code == 401


# ---------------------------------------------------------------------------------------------
# Start-up


def test_both_nodes_migrated_one_database_together(cl):
    logs = cl.a.logs() + cl.b.logs()
    versions = [int(v) for v in MIGRATED.findall(logs)]
    assert versions, "neither node applied the migrations of the empty database"
    assert sorted(versions) == list(range(1, max(versions) + 1)), \
        f"each migration must be applied exactly once, by one node (advisory lock): {versions}"
    assert "database error" not in logs
    # Both nodes bootstrapped the same users and ended up with the same signing keys.
    assert cl.a.admin("user", "list").stdout.count("admin") == 1
    same, _ = eventually(lambda: jwks(cl.a) == jwks(cl.b), PROPAGATION)
    assert same, "the two nodes publish different JWKS"
    algs = sorted(k["alg"] for k in jwks(cl.a)["keys"])
    assert set(algs) == {"ES256", "EdDSA", "PS256", "RS256"}


# ---------------------------------------------------------------------------------------------
# OIDC through the balancer


def test_full_code_flow_through_balancer_uses_both_nodes(cl):
    before = [request_lines(n) for n in cl.nodes]
    b = Browser(cl.lb)
    verifier, challenge = pkce()
    params, r = b.authorize(challenge=challenge)
    login_url = r.headers["Location"]
    assert login_url.startswith(cl.lb_url + "/oauth2/login"), "redirects are built from --site-url"
    r = b.login(login_url, USER, PASSWORD)  # login page and form post, maybe on different nodes
    assert r.status_code == 302, r.text
    q = query(r.headers["Location"])
    assert q["state"] == params["state"] and q["iss"] == cl.lb.issuer
    tok = exchange(cl.lb, q["code"], verifier)
    assert tok.status_code == 200, tok.text
    body = tok.json()
    for _ in range(2):  # userinfo twice: round-robin puts one on each node
        r = userinfo(cl.lb, body["access_token"])
        assert r.status_code == 200 and r.json()["preferred_username"] == USER
    r = refresh(cl.lb, body["refresh_token"])
    assert r.status_code == 200, r.text
    fresh = r.json()
    assert fresh["refresh_token"] != body["refresh_token"]
    for _ in range(2):
        assert userinfo(cl.lb, fresh["access_token"]).status_code == 200
    d = requests.get(cl.lb.issuer + "/.well-known/openid-configuration").json()
    assert d["issuer"] == cl.lb.issuer and d["token_endpoint"] == cl.lb.issuer + "/oauth2/token"
    served = [request_lines(n) - before[i] for i, n in enumerate(cl.nodes)]
    assert all(s >= 2 for s in served), f"round-robin should have sent requests to both nodes: {served}"


def test_tokens_issued_by_one_node_verify_on_the_other(cl):
    b = signed_in(cl)
    body = tokens_from(b, cl.a)
    r = userinfo(cl.b, body["access_token"])
    assert r.status_code == 200 and r.json()["preferred_username"] == USER
    assert me(cl.b, body["access_token"]).json()["login"] == USER
    info = introspect(cl.b, body["access_token"])
    assert info["active"] is True and info["client_id"] == "cells-client"
    r = post(cl.a.url + "/oidc/oauth2/token", auth=(CC_ID, CC_SECRET), data={"grant_type": "client_credentials"})
    assert r.status_code == 200, r.text
    info = introspect(cl.b, r.json()["access_token"])
    assert info["active"] is True and info["client_id"] == CC_ID
    # A refresh token from A is redeemed on B.
    r = refresh(cl.b, body["refresh_token"])
    assert r.status_code == 200, r.text
    assert userinfo(cl.a, r.json()["access_token"]).status_code == 200


def test_key_rotation_on_one_node_reaches_the_other(cl):
    b = signed_in(cl)
    old = tokens_from(b, cl.a)
    old_kids = {k["kid"] for k in jwks(cl.a)["keys"]}
    cl.a.admin("keys", "rotate")
    rotated = time.monotonic()
    new = tokens_from(b, cl.a)
    new_kid = kid_of(new["access_token"])
    assert new_kid not in old_kids, "node A signs with the new key at once"
    ok, took = eventually(lambda: userinfo(cl.b, new["access_token"]).status_code == 200,
                          PROPAGATION - (time.monotonic() - rotated))
    assert ok, "a token signed with the new key must verify on node B within 1 s"
    ok, _ = eventually(lambda: new_kid in {k["kid"] for k in jwks(cl.b)["keys"]}, PROPAGATION)
    assert ok, "node B's JWKS must list the new key within 1 s"
    ok, _ = eventually(lambda: kid_of(tokens_from(b, cl.b)["access_token"]) == new_kid, PROPAGATION)
    assert ok, "node B must sign with the new key within 1 s (its old active key was retired on A)"
    assert userinfo(cl.b, old["access_token"]).status_code == 200, "the retired key still verifies"
    assert jwks(cl.a) == jwks(cl.b)


# ---------------------------------------------------------------------------------------------
# Personal access tokens


def test_pat_created_on_one_node_works_on_the_other(cl):
    token, _ = new_pat(cl.a, USER, "-e", "1h")
    r = me(cl.b, token)
    assert r.status_code == 200 and r.json()["login"] == USER and r.json()["token_kind"] == "personal"
    assert propfind(cl.b, (USER, token)).status_code == 207
    assert introspect(cl.b, token)["active"] is True
    listing = cl.b.admin("user", "token", "list", "-u", USER).stdout
    assert USER in listing


def test_sliding_window_pat_shared_by_both_nodes(cl):
    token, _ = new_pat(cl.a, USER, "-a", "3")
    nodes = [cl.a, cl.b]
    # Expiries are whole Unix seconds (now + window): each use is made 0.3 s into a second so that
    # every instant below is known to the second. Uses at s0 .. s0+6, alternating A and B: each
    # node alone sees the token only every 2 s, within its 3 s window.
    at = lambda t: time.sleep(max(0.0, t - time.time()))
    s0 = int(time.time()) + 1
    for i in range(7):
        at(s0 + i + 0.3)
        assert me(nodes[i % 2], token).status_code == 200, f"use {i} on node {'AB'[i % 2]}"
    # Last use on A at s0+6 moves the expiry to s0+9. B's own last use (s0+5) ended at s0+8:
    # at s0+8.5 B must still accept the token, because A used it since.
    at(s0 + 8.5)
    assert me(cl.b, token).status_code == 200, "node B must honour the use on node A (expiry moved to s0+9)"
    # That use on B moved the expiry to s0+11: dead on both from then on.
    at(s0 + 11.3)
    assert me(cl.a, token).status_code == 401, "dead on A about 3 s after its last use (on B)"
    assert me(cl.b, token).status_code == 401, "dead on B about 3 s after its last use"


# ---------------------------------------------------------------------------------------------
# Revocation on one node, seen by the other within a second


def test_refresh_token_revocation_reaches_the_other_node(cl):
    b = signed_in(cl)
    body = tokens_from(b, cl.a)
    assert userinfo(cl.b, body["access_token"]).status_code == 200  # warms B's caches
    assert me(cl.b, body["access_token"]).status_code == 200
    assert revoke(cl.a, body["refresh_token"]).status_code == 200
    ok, took = eventually(refused_on(cl.b, lambda s: userinfo(s, body["access_token"])), PROPAGATION)
    assert ok, f"the access token of a revoked grant still works on B after {took:.2f} s"
    assert me(cl.b, body["access_token"]).status_code == 401
    assert introspect(cl.b, body["access_token"]) == {"active": False}
    r = refresh(cl.b, body["refresh_token"])
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"


def test_logout_on_one_node_ends_the_session_on_the_other(cl):
    b = signed_in(cl)
    session = b.s.cookies.get("cells_session")
    assert session, "the login set a session cookie"

    def silent_on(server):
        """prompt=none on `server` with the session cookie as it was before the logout."""
        _, challenge = pkce()
        params = {"client_id": "cells-client", "redirect_uri": PUBLIC_REDIRECT, "response_type": "code",
                  "scope": "openid", "prompt": "none", "code_challenge": challenge, "code_challenge_method": "S256"}
        r = requests.get(server.url + "/oidc/oauth2/auth?" + urlencode(params), cookies={"cells_session": session},
                         allow_redirects=False, timeout=30)
        assert r.status_code == 302, r.text
        return query(r.headers["Location"])

    assert "code" in silent_on(cl.b), "the session works on B (and B has seen it)"
    body = tokens_from(b, cl.a)
    logout = cl.a.url + "/oidc/oauth2/sessions/logout"
    r = b.get(logout + "?" + urlencode({"id_token_hint": body["id_token"]}))
    assert r.status_code == 200
    r = b.post(logout, data={"csrf": hidden(r.text, "csrf"), "id_token_hint": body["id_token"], "confirm": "yes"})
    assert r.status_code == 200, r.text
    ok, took = eventually(lambda: silent_on(cl.b).get("error") == "login_required", PROPAGATION)
    assert ok, f"the session still works on B {took:.2f} s after logging out on A"
    assert silent_on(cl.a).get("error") == "login_required"


def test_password_change_on_one_node_stops_basic_and_pats_on_the_other(cl):
    login, old_pw, new_pw = "pavel", "pavel-password-1", "pavel-password-2"
    cl.a.create_user(login, old_pw)
    token, _ = new_pat(cl.a, login, "-e", "1h")
    for _ in range(2):  # the second is served from B's verified-password cache
        assert propfind(cl.b, (login, old_pw)).status_code == 207
    assert me(cl.b, token).status_code == 200 and propfind(cl.b, (login, token)).status_code == 207
    time.sleep(1.1)  # password_changed_at and token creation have one-second resolution
    cl.a.admin("user", "set-password", "-u", login, "--password-stdin", stdin=new_pw + "\n")
    ok, took = eventually(refused_on(cl.b, lambda s: propfind(s, (login, old_pw))), PROPAGATION, interval=0.1)
    assert ok, f"the old password still works on B {took:.2f} s after the change on A"
    ok, took = eventually(refused_on(cl.b, lambda s: me(s, token)), PROPAGATION)
    assert ok, f"a PAT older than the password change still works on B after {took:.2f} s"
    assert propfind(cl.b, (login, token)).status_code == 401
    assert propfind(cl.b, (login, new_pw)).status_code == 207
    assert propfind(cl.a, (login, new_pw)).status_code == 207


def test_pat_revocation_on_one_node_reaches_the_other(cl):
    token, token_id = new_pat(cl.a, USER, "-e", "1h")
    assert me(cl.b, token).status_code == 200 and propfind(cl.b, (USER, token)).status_code == 207  # cached on B
    sliding, sliding_id = new_pat(cl.a, USER, "-a", "600")
    assert me(cl.b, sliding).status_code == 200
    cl.a.admin("user", "token", "revoke", token_id)
    ok, took = eventually(refused_on(cl.b, lambda s: me(s, token)), PROPAGATION)
    assert ok, f"a revoked PAT still works on B {took:.2f} s after `revoke` on A"
    assert propfind(cl.b, (USER, token)).status_code == 401
    cl.a.admin("user", "token", "revoke", sliding_id)
    ok, took = eventually(refused_on(cl.b, lambda s: me(s, sliding)), PROPAGATION)
    assert ok, f"a revoked sliding PAT still works on B {took:.2f} s after `revoke` on A"


# ---------------------------------------------------------------------------------------------
# Races between the nodes


def test_code_redeemed_on_both_nodes_at_once_succeeds_once(cl):
    b = signed_in(cl)
    for round_ in range(20):
        code, verifier = code_from(b, cl.lb)
        results = same_time(lambda: exchange(cl.a, code, verifier), lambda: exchange(cl.b, code, verifier))
        for r in results:
            assert isinstance(r, requests.Response), r
        statuses = sorted(r.status_code for r in results)
        assert statuses == [200, 400], f"round {round_}: {statuses} {[r.text for r in results]}"
        loser = next(r for r in results if r.status_code == 400)
        assert loser.json()["error"] == "invalid_grant"


def test_refresh_token_presented_to_both_nodes_at_once_stays_one_family(cl):
    b = signed_in(cl)
    for round_ in range(10):
        body = tokens_from(b, cl.lb)
        results = same_time(lambda: refresh(cl.a, body["refresh_token"]), lambda: refresh(cl.b, body["refresh_token"]))
        for r in results:
            assert isinstance(r, requests.Response), r
        # docs/tokens.md: a refresh token presented again within 10 s of its first use is accepted
        # (a sibling of the same family), so both nodes answer 200.
        assert [r.status_code for r in results] == [200, 200], f"round {round_}: {[r.text for r in results]}"
        won = [r.json() for r in results]
        assert won[0]["refresh_token"] != won[1]["refresh_token"]
        # Revoking the family through one result must kill every refresh and access token of it,
        # including the other node's result: there is never a second, independent family.
        assert revoke(cl.a, won[0]["refresh_token"]).status_code == 200
        for other in won[1:]:
            ok, took = eventually(refused_on(cl.b, lambda s: userinfo(s, other["access_token"])), PROPAGATION)
            assert ok, f"round {round_}: the sibling's access token outlived the family's revocation"
            r = refresh(cl.b, other["refresh_token"])
            assert r.status_code == 400, f"round {round_}: the sibling refresh token outlived its family: {r.text}"
        ok, _ = eventually(refused_on(cl.b, lambda s: userinfo(s, won[0]["access_token"])), PROPAGATION)
        assert ok, f"round {round_}: an access token of the revoked family still works on B"
        assert refresh(cl.b, body["refresh_token"]).status_code == 400


# ---------------------------------------------------------------------------------------------
# Shared lockout counters


def test_failed_logins_alternating_between_nodes_lock_the_account(cl):
    login, password = "lucas", "lucas-password-1"
    cl.a.create_user(login, password)
    b = Browser(cl.lb)
    _, challenge = pkce()
    _, r = b.authorize(challenge=challenge)
    request = r.headers["Location"]  # the login page URL, with the pending request
    nodes = [cl.a, cl.b]

    def attempt(i, pw):
        server = nodes[i % 2]
        page = b.get(request.replace(cl.lb_url, server.url))
        assert page.status_code == 200
        form = {"login": login, "password": pw, "csrf": hidden(page.text, "csrf"), "request": hidden(page.text, "request")}
        return b.post(server.url + "/oauth2/login", data=form).status_code

    statuses = []
    while statuses.count(401) < 10 and len(statuses) < 80:
        statuses.append(attempt(len(statuses), "guess-%d" % len(statuses)))
        if statuses[-1] == 429:
            time.sleep(0.5)
    assert statuses[:5] == [401] * 5, statuses
    assert set(statuses) <= {401, 429}, statuses
    assert 429 in statuses, f"after 5 failures counted on both nodes together the next attempts must wait: {statuses}"
    assert statuses.count(401) == 10, statuses
    assert attempt(0, password) == 429 and attempt(1, password) == 429, "locked on both nodes, even with the password"
    cl.b.admin("user", "unlock", "-u", login)
    assert attempt(0, password) == 302, "unlocked on B, so unlocked on A"


# ---------------------------------------------------------------------------------------------
# Files


def test_upload_through_balancer_download_from_each_node(cl):
    token, _ = new_pat(cl.a, USER, "-e", "1h")
    data = os.urandom(6 * 1024 * 1024 + 12345)
    r = requests.put(cl.lb_url + "/dav/personal-files/big.bin", data=data, auth=(USER, token), timeout=120)
    assert r.status_code in (201, 204), r.text
    digest = hashlib.sha256(data).hexdigest()
    for node in cl.nodes:
        got = requests.get(node.url + "/dav/personal-files/big.bin", auth=(USER, token), timeout=120)
        assert got.status_code == 200 and hashlib.sha256(got.content).hexdigest() == digest, node.url
        rest = requests.get(node.url + "/a/tree/content", params={"path": "personal-files/big.bin"}, headers=bearer(token),
                            timeout=120)
        assert rest.status_code == 200 and hashlib.sha256(rest.content).hexdigest() == digest, node.url
        part = requests.get(node.url + "/a/tree/content", params={"path": "personal-files/big.bin"},
                            headers=dict(bearer(token), Range="bytes=5000000-5000099"), timeout=30)
        assert part.status_code == 206 and part.content == data[5000000:5000100]


def test_webdav_lock_taken_on_one_node_is_honoured_by_the_other(cl):
    token, _ = new_pat(cl.a, USER, "-e", "1h")
    auth = (USER, token)
    path = "/dav/personal-files/locked.txt"
    assert requests.put(cl.a.url + path, data=b"v1", auth=auth).status_code in (201, 204)
    lockinfo = ('<?xml version="1.0" encoding="utf-8"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/>'
                '</D:lockscope><D:locktype><D:write/></D:locktype><D:owner>cluster test</D:owner></D:lockinfo>')
    r = requests.request("LOCK", cl.a.url + path, data=lockinfo, auth=auth,
                         headers={"Timeout": "Second-300", "Depth": "0", "Content-Type": "application/xml"})
    assert r.status_code == 200, r.text
    lock_token = r.headers["Lock-Token"].strip("<>")
    r = requests.put(cl.b.url + path, data=b"v2", auth=auth)
    assert r.status_code == 423, f"node B ignored node A's lock: {r.status_code}"
    assert requests.request("DELETE", cl.b.url + path, auth=auth).status_code == 423
    r = requests.request("PROPFIND", cl.b.url + path, auth=auth, headers={"Depth": "0"},
                         data='<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:lockdiscovery/></D:prop></D:propfind>')
    assert r.status_code == 207 and lock_token in r.text, "node B reports node A's lock"
    r = requests.put(cl.b.url + path, data=b"v2", auth=auth, headers={"If": f"(<{lock_token}>)"})
    assert r.status_code in (200, 201, 204), r.text
    r = requests.request("UNLOCK", cl.b.url + path, auth=auth, headers={"Lock-Token": f"<{lock_token}>"})
    assert r.status_code == 204, "a lock taken on A is released on B"
    assert requests.put(cl.a.url + path, data=b"v3", auth=auth).status_code in (200, 201, 204)
    assert requests.get(cl.b.url + path, auth=auth).content == b"v3"


def test_a_node_starting_leaves_other_nodes_uploads_alone(cl):
    """The spool FILES/tmp is shared: a node that starts (or restarts after a crash) must not
    delete the uploads that other nodes are receiving at that moment."""
    token, _ = new_pat(cl.a, USER, "-e", "1h")
    chunk = os.urandom(256 * 1024)
    started, go = threading.Event(), threading.Event()

    def body():
        for i in range(16):
            if i == 4:
                started.set()
                go.wait(30)
            yield chunk

    result = {}

    def upload():
        try:
            result["r"] = requests.put(cl.a.url + "/dav/personal-files/in-flight.bin", data=body(), auth=(USER, token),
                                       timeout=60)
        except requests.RequestException as e:
            result["r"] = e

    t = threading.Thread(target=upload)
    t.start()
    extra = cl.extra_node("c")
    try:
        assert started.wait(30)
        spooled, _ = eventually(lambda: os.listdir(os.path.join(cl.files, "tmp")), 5)
        assert spooled, "node A spools the upload in FILES/tmp"
        extra.start()  # a third node comes up on the same files folder
    finally:
        go.set()
        t.join(60)
        extra.stop()
    r = result["r"]
    assert isinstance(r, requests.Response) and r.status_code in (201, 204), \
        f"an upload in flight on node A failed when another node started: {r if not hasattr(r, 'text') else r.text}"
    got = requests.get(cl.b.url + "/dav/personal-files/in-flight.bin", auth=(USER, token), timeout=60)
    assert got.status_code == 200 and got.content == chunk * 16


# ---------------------------------------------------------------------------------------------
# A node dies under load (last: it kills and restarts node B)


class Load:
    """Threads sending a mix of requests through the balancer, recording every outcome."""

    def __init__(self, cl, token, revoked, known):
        self.cl, self.token, self.revoked, self.known = cl, token, revoked, known
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.records = []  # (kind, start, end, status or exception text, wrong-answer message or None)
        self.puts = {}  # name -> bytes, for every PUT answered 2xx

    def record(self, kind, start, outcome, wrong=None):
        with self.lock:
            self.records.append((kind, start, time.monotonic(), outcome, wrong))

    def one(self, rng, worker, n):
        lb = self.cl.lb_url
        kind = rng.choice(["get", "get", "propfind", "put", "put", "cc", "revoked", "forged"])
        start = time.monotonic()
        try:
            if kind == "get":
                r = requests.get(lb + "/a/tree/content", params={"path": "personal-files/known.bin"},
                                 headers=bearer(self.token), timeout=30)
                if r.status_code == 200 and len(r.content) < int(r.headers.get("Content-Length", "0")):
                    # The node died mid-body: nginx had already sent the 200. urllib3 1.26 does
                    # not raise on a short body, so this is the client-side "connection lost".
                    self.record(kind, start, "Truncated")
                    return
                wrong = r.status_code == 200 and r.content != self.known and "200 with the wrong body"
            elif kind == "propfind":
                r = propfind(self.cl.lb, (USER, self.token), "personal-files/known.bin")
                wrong = r.status_code == 207 and "known.bin" not in r.text and "207 without the resource"
            elif kind == "put":
                name = f"load-{worker}-{n}.bin"
                data = os.urandom(rng.randint(1, 64 * 1024))
                r = requests.put(lb + "/dav/personal-files/" + name, data=data, auth=(USER, self.token), timeout=30)
                if 200 <= r.status_code < 300:
                    with self.lock:
                        self.puts[name] = data
                wrong = None
            elif kind == "cc":
                r = post(lb + "/oidc/oauth2/token", auth=(CC_ID, CC_SECRET), data={"grant_type": "client_credentials"})
                wrong = r.status_code == 200 and not r.json().get("access_token") and "200 without a token"
            elif kind == "revoked":
                r = me(self.cl.lb, self.revoked)
                wrong = r.status_code < 400 and f"{r.status_code} for a revoked token"
            else:
                forged = self.token[:-3] + ("AAA" if self.token[-3:] != "AAA" else "BBB")
                r = propfind(self.cl.lb, (USER, forged))
                wrong = r.status_code < 400 and f"{r.status_code} for a forged token"
            self.record(kind, start, r.status_code, wrong or None)
        except requests.RequestException as e:
            self.record(kind, start, type(e).__name__)

    def worker(self, index):
        rng = random.Random(index)
        n = 0
        while not self.stop.is_set():
            self.one(rng, index, n)
            n += 1


def test_killing_a_node_under_load(cl):
    token, _ = new_pat(cl.a, USER, "-e", "1h")
    revoked, revoked_id = new_pat(cl.a, USER, "-e", "1h")
    for node in cl.nodes:
        assert me(node, revoked).status_code == 200  # cached on both nodes
    cl.a.admin("user", "token", "revoke", revoked_id)
    for node in cl.nodes:
        ok, _ = eventually(refused_on(node, lambda s: me(s, revoked)), PROPAGATION)
        assert ok, "revoked PAT still accepted"
    known = os.urandom(200 * 1024)
    assert requests.put(cl.lb_url + "/dav/personal-files/known.bin", data=known, auth=(USER, token)).status_code in (201, 204)

    load = Load(cl, token, revoked, known)
    threads = [threading.Thread(target=load.worker, args=(i,)) for i in range(4)]
    began = time.monotonic()
    for t in threads:
        t.start()
    victim = cl.b
    try:
        time.sleep(2.0)
        with load.lock:
            before_kill = len(load.records)
        killed_at = time.monotonic()
        victim.proc.send_signal(signal.SIGKILL)
        victim.proc.wait(timeout=10)
        time.sleep(4.0)
    finally:
        load.stop.set()
        for t in threads:
            t.join(timeout=60)

    records = load.records
    wrong = [r for r in records if r[4]]
    assert not wrong, f"wrong answers: {wrong[:5]}"
    assert before_kill > 10, f"the load barely ran before the kill ({before_kill} requests)"
    after = [r for r in records if r[1] > killed_at + 1.0]
    assert len(after) > 10, f"the balancer served too little after the kill: {len(after)}"
    expected = {"get": {200}, "propfind": {207}, "put": {201, 204}, "cc": {200}, "revoked": {401}, "forged": {401}}
    failures = [r for r in records if r[3] not in expected[r[0]]]
    for kind, start, end, outcome, _ in failures:
        assert outcome in ("ConnectionError", "ChunkedEncodingError", "Truncated", 502, 503, 504), \
            f"{kind} failed with {outcome}, which is not a symptom of a dead node"
        assert start <= killed_at + 1.0 and end >= killed_at - 0.1, \
            f"{kind} failed with {outcome} at {start - began:.2f}-{end - began:.2f} s, " \
            f"not around the kill at {killed_at - began:.2f} s"
    print(f"load: {len(records)} requests, {len(failures)} failed around the kill, {len(load.puts)} PUTs answered 2xx")

    # Every upload that was acknowledged is there, whole, served by the surviving node.
    def download(name):
        r = requests.get(cl.lb_url + "/dav/personal-files/" + name, auth=(USER, token), timeout=30)
        return r.status_code == 200 and r.content == load.puts[name]

    with ThreadPoolExecutor(8) as pool:
        intact = dict(zip(load.puts, pool.map(download, load.puts)))
    broken = sorted(name for name, ok in intact.items() if not ok)
    assert not broken, f"acknowledged uploads missing or different: {broken[:10]}"
    assert requests.get(cl.a.url + "/healthz").status_code == 200, "the surviving node still answers"
    assert me(cl.a, token).status_code == 200

    # Node B comes back on its data folder and port, and the balancer uses it again.
    node = cl.restart(1)
    assert me(node, token).status_code == 200
    assert me(node, revoked).status_code == 401
    before = request_lines(node)
    ok, _ = eventually(lambda: me(cl.lb, token).status_code == 200 and request_lines(node) > before, 10, interval=0.2)
    assert ok, "the balancer does not send requests to the restarted node"
    name = next(iter(load.puts)) if load.puts else "known.bin"
    r = requests.get(node.url + "/dav/personal-files/" + name, auth=(USER, token))
    assert r.status_code == 200 and r.content == load.puts.get(name, known)
