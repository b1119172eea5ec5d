"""The OpenID Connect provider over HTTP, against a real `cells` process on a real SQLite file.
Tokens are checked with python3-jwcrypto (a third-party JOSE implementation)."""
import json
import time
from urllib.parse import urlencode

import pytest
import requests
from jwcrypto import jwk, jwt

from conftest import ADMIN_PASSWORD
from oidc_flow import PUBLIC_REDIRECT, Browser, exchange, pkce, query

CONF_ID, CONF_SECRET, CONF_REDIRECT = "backend-app", "backend-app-secret-0123456789", "http://localhost:9999/cb"


@pytest.fixture(scope="module")
def oidc(cells):
    cells.create_user("alice", "alice-password-1", email="alice@example.org")
    cells.admin("client", "create", "--id", CONF_ID, "--secret-stdin", "--redirect-uri", CONF_REDIRECT,
                "--grant", "authorization_code", "--grant", "refresh_token", "--grant", "client_credentials",
                "--name", "Backend", stdin=CONF_SECRET + "\n")
    return cells


def keyset(cells):
    return jwk.JWKSet.from_json(requests.get(cells.issuer + "/.well-known/jwks.json").text)


def claims_of(cells, token, typ=None):
    t = jwt.JWT(jwt=token, key=keyset(cells), check_claims={"iss": cells.issuer, "exp": None})
    header = json.loads(t.header)
    if typ:
        assert header["typ"] == typ
    return header, json.loads(t.claims)


def tokens_for(cells, scope="openid profile email offline"):
    b = Browser(cells)
    code, verifier, params = b.code_flow("alice", "alice-password-1", scope=scope)
    r = exchange(cells, code, verifier)
    assert r.status_code == 200, r.text
    return r.json(), params, b


def test_discovery_is_complete_and_absolute(oidc):
    d = requests.get(oidc.issuer + "/.well-known/openid-configuration").json()
    assert d["issuer"] == oidc.issuer
    for k in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri", "revocation_endpoint",
              "introspection_endpoint", "end_session_endpoint"):
        assert d[k].startswith(oidc.issuer + "/"), k
    assert d["code_challenge_methods_supported"] == ["S256"]
    assert d["response_types_supported"] == ["code"]
    assert "password" not in d["grant_types_supported"]
    assert d["authorization_response_iss_parameter_supported"] is True


def test_jwks_has_every_algorithm_with_thumbprint_kids(oidc):
    keys = requests.get(oidc.issuer + "/.well-known/jwks.json").json()["keys"]
    assert sorted(k["alg"] for k in keys) == ["ES256", "EdDSA", "PS256", "RS256"]
    for k in keys:
        assert "d" not in k and "p" not in k
        assert jwk.JWK(**k).thumbprint() == k["kid"]


def test_code_flow_tokens_verify_with_jwcrypto(oidc):
    body, params, _ = tokens_for(oidc)
    assert body["token_type"] == "Bearer" and body["expires_in"] == 600
    assert body["refresh_token"] and len(body["refresh_token"]) >= 40
    h, at = claims_of(oidc, body["access_token"], typ="at+jwt")
    assert h["alg"] == "ES256"
    assert at["client_id"] == "cells-client" and at["iss"] == oidc.issuer
    assert set(at["scope"].split()) == {"openid", "profile", "email", "offline"}
    assert at["exp"] - at["iat"] == 600 and at["jti"]
    h, idt = claims_of(oidc, body["id_token"])
    assert h["alg"] == "RS256"
    assert idt["aud"] == "cells-client" and idt["sub"] == at["sub"]
    assert idt["nonce"] == params["nonce"]
    assert idt["preferred_username"] == "alice" and idt["email"] == "alice@example.org"
    assert idt["auth_time"] <= time.time() and idt["sid"]
    import base64, hashlib
    digest = hashlib.sha256(body["access_token"].encode()).digest()[:16]
    assert idt["at_hash"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    r = requests.get(oidc.issuer + "/userinfo", headers={"Authorization": "Bearer " + body["access_token"]})
    assert r.status_code == 200 and r.json()["sub"] == at["sub"] and r.json()["email"] == "alice@example.org"


def test_code_is_single_use_and_replay_revokes_its_tokens(oidc):
    b = Browser(oidc)
    code, verifier, _ = b.code_flow("alice", "alice-password-1")
    first = exchange(oidc, code, verifier)
    assert first.status_code == 200
    again = exchange(oidc, code, verifier)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    at = first.json()["access_token"]
    r = requests.get(oidc.issuer + "/userinfo", headers={"Authorization": "Bearer " + at})
    assert r.status_code == 401
    r = requests.post(oidc.issuer + "/oauth2/token", data={"grant_type": "refresh_token", "client_id": "cells-client",
                                                           "refresh_token": first.json()["refresh_token"]})
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"


def test_pkce_rules(oidc):
    b = Browser(oidc)
    b.code_flow("alice", "alice-password-1")  # signs in
    _, r = b.authorize()  # public client without PKCE
    assert query(r.headers["Location"])["error"] == "invalid_request"
    _, r = b.authorize(extra={"code_challenge": "a" * 43, "code_challenge_method": "plain"})
    assert query(r.headers["Location"])["error"] == "invalid_request"
    code, verifier, _ = b.code_flow("alice", "alice-password-1")
    bad = exchange(oidc, code, pkce()[0])
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_grant"


def test_confidential_client_without_pkce_refuses_a_verifier(oidc):
    b = Browser(oidc)
    b.code_flow("alice", "alice-password-1")
    params = {"client_id": CONF_ID, "redirect_uri": CONF_REDIRECT, "response_type": "code", "scope": "openid"}
    r = b.get(oidc.issuer + "/oauth2/auth?" + urlencode(params))
    code = query(r.headers["Location"])["code"]
    r = requests.post(oidc.issuer + "/oauth2/token", auth=(CONF_ID, CONF_SECRET),
                      data={"grant_type": "authorization_code", "code": code, "redirect_uri": CONF_REDIRECT,
                            "code_verifier": pkce()[0]})
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"


def test_unknown_client_and_unregistered_redirect_never_redirect(oidc):
    b = Browser(oidc)
    for params in ({"client_id": "nope", "redirect_uri": PUBLIC_REDIRECT},
                   {"client_id": "cells-client", "redirect_uri": "http://evil.example/cb"},
                   {"client_id": "cells-client", "redirect_uri": "http://localhost:3667/servers/callback"},
                   {"client_id": "cells-client", "redirect_uri": PUBLIC_REDIRECT + "/"},
                   {"client_id": "cells-client"}):
        r = b.get(oidc.issuer + "/oauth2/auth?" + urlencode(dict(params, response_type="code")))
        assert r.status_code == 400, params
        assert "Location" not in r.headers
        assert r.headers["Content-Type"].startswith("text/html")


def test_port_range_redirects_accepted(oidc):
    b = Browser(oidc)
    for port in (3636, 3650, 3666):
        code, _, _ = b.code_flow("alice", "alice-password-1", redirect_uri=f"http://localhost:{port}/servers/callback")
        assert code


def test_protocol_errors_redirect_with_state_and_iss(oidc):
    b = Browser(oidc)
    _, challenge = pkce()
    params, r = b.authorize(challenge=challenge, extra={"response_type": "token"})
    q = query(r.headers["Location"])
    assert q["error"] == "unsupported_response_type" and q["state"] == params["state"] and q["iss"] == oidc.issuer
    url = oidc.issuer + "/oauth2/auth?" + urlencode({"client_id": "cells-client", "redirect_uri": PUBLIC_REDIRECT,
                                                      "response_type": "code", "code_challenge": challenge,
                                                      "code_challenge_method": "S256"}) + "&scope=openid&scope=email"
    assert query(b.get(url).headers["Location"])["error"] == "invalid_request"
    _, r = b.authorize(challenge=challenge, scope="openid admin")
    assert query(r.headers["Location"])["error"] == "invalid_scope"


def test_prompt_none_login_and_max_age(oidc):
    b = Browser(oidc)
    _, challenge = pkce()
    _, r = b.authorize(challenge=challenge, extra={"prompt": "none"})
    assert query(r.headers["Location"])["error"] == "login_required"
    b.code_flow("alice", "alice-password-1")
    _, r = b.authorize(challenge=challenge, extra={"prompt": "none"})
    assert "code" in query(r.headers["Location"])
    _, r = b.authorize(challenge=challenge, extra={"prompt": "login"})
    assert r.headers["Location"].startswith(oidc.url + "/oauth2/login")
    time.sleep(1.1)
    _, r = b.authorize(challenge=challenge, extra={"max_age": "0"})
    assert r.headers["Location"].startswith(oidc.url + "/oauth2/login")
    _, r = b.authorize(challenge=challenge, extra={"login_hint": "alice"})
    assert "code" in query(r.headers["Location"])


def test_login_page_security(oidc):
    b = Browser(oidc)
    _, challenge = pkce()
    _, r = b.authorize(challenge=challenge, extra={"login_hint": "al<ice"})
    page = b.get(r.headers["Location"])
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "al&lt;ice" in page.text and "al<ice" not in page.text
    cookie = page.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # Without the CSRF cookie the form is refused.
    from oidc_flow import hidden
    form = {"login": "alice", "password": "alice-password-1", "csrf": "forged", "request": hidden(page.text, "request")}
    r = requests.post(oidc.url + "/oauth2/login", data=form, allow_redirects=False)
    assert r.status_code == 403


def test_wrong_password_and_unknown_login_look_the_same(oidc):
    b = Browser(oidc)
    _, challenge = pkce()
    _, r = b.authorize(challenge=challenge)
    login_url = r.headers["Location"]
    wrong = b.login(login_url, "alice", "not-her-password")
    unknown = b.login(login_url, "nobody", "not-her-password")
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong login or password." in wrong.text and "Wrong login or password." in unknown.text
    oidc.admin("user", "unlock", "-u", "alice")


def test_lockout_then_unlock(oidc):
    oidc.create_user("mallory-target", "target-password-1")
    b = Browser(oidc)
    _, challenge = pkce()
    _, r = b.authorize(challenge=challenge)
    login_url = r.headers["Location"]
    statuses = []
    while statuses.count(401) < 10 and len(statuses) < 60:  # 429s (slow-down) do not count as failures
        statuses.append(b.login(login_url, "mallory-target", "guess-%d" % len(statuses)).status_code)
        if statuses[-1] == 429:
            time.sleep(0.5)
    assert statuses[:5] == [401] * 5, statuses
    assert set(statuses) <= {401, 429}
    locked = b.login(login_url, "mallory-target", "target-password-1")
    assert locked.status_code == 429, "even the right password is refused while locked"
    oidc.admin("user", "unlock", "-u", "mallory-target")
    assert b.login(login_url, "mallory-target", "target-password-1").status_code == 302


def test_refresh_rotation_grace_and_replay(oidc):
    body, _, _ = tokens_for(oidc)
    rt = body["refresh_token"]
    refresh = lambda t: requests.post(oidc.issuer + "/oauth2/token",
                                      data={"grant_type": "refresh_token", "client_id": "cells-client", "refresh_token": t})
    r1 = refresh(rt)
    assert r1.status_code == 200 and r1.json()["refresh_token"] != rt
    claims_of(oidc, r1.json()["id_token"])
    introspect = lambda t: requests.post(oidc.issuer + "/oauth2/introspect", auth=(CONF_ID, CONF_SECRET),
                                         data={"token": t}).json()["active"]
    r2 = refresh(rt)  # a concurrent double refresh within the grace period
    assert r2.status_code == 200
    assert introspect(rt) is True, "still usable during the grace period"
    time.sleep(11)
    assert introspect(rt) is False, "a rotated token past its grace period is not active (using it is a replay)"
    assert introspect(r1.json()["refresh_token"]) is True
    r3 = refresh(rt)  # a replay after the grace period revokes the family
    assert r3.status_code == 400 and r3.json()["error"] == "invalid_grant"
    assert introspect(r1.json()["refresh_token"]) is False, "the family is revoked"
    assert refresh(r1.json()["refresh_token"]).status_code == 400
    r = requests.get(oidc.issuer + "/userinfo", headers={"Authorization": "Bearer " + r1.json()["access_token"]})
    assert r.status_code == 401


def test_refresh_token_belongs_to_its_client(oidc):
    body, _, _ = tokens_for(oidc)
    r = requests.post(oidc.issuer + "/oauth2/token", auth=(CONF_ID, CONF_SECRET),
                      data={"grant_type": "refresh_token", "refresh_token": body["refresh_token"]})
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    r = requests.post(oidc.issuer + "/oauth2/token",
                      data={"grant_type": "refresh_token", "client_id": "cells-client", "refresh_token": body["refresh_token"]})
    assert r.status_code == 200, "the failed attempt by another client must not burn the token"


def test_client_credentials_introspection_and_revocation(oidc):
    r = requests.post(oidc.issuer + "/oauth2/token", auth=(CONF_ID, CONF_SECRET), data={"grant_type": "client_credentials"})
    assert r.status_code == 200 and "refresh_token" not in r.json() and "id_token" not in r.json()
    at = r.json()["access_token"]
    _, c = claims_of(oidc, at, typ="at+jwt")
    assert c["sub"] == CONF_ID
    intro = lambda: requests.post(oidc.issuer + "/oauth2/introspect", auth=(CONF_ID, CONF_SECRET), data={"token": at}).json()
    assert intro()["active"] is True and intro()["client_id"] == CONF_ID
    assert requests.post(oidc.issuer + "/oauth2/revoke", auth=(CONF_ID, CONF_SECRET), data={"token": at}).status_code == 200
    assert intro() == {"active": False}
    r = requests.post(oidc.issuer + "/oauth2/introspect", data={"token": at, "client_id": "cells-client"})
    assert r.status_code == 401
    r = requests.post(oidc.issuer + "/oauth2/token", data={"grant_type": "client_credentials", "client_id": "cells-client"})
    assert r.json()["error"] in ("unauthorized_client", "invalid_client")


def test_revoking_refresh_token_revokes_grant(oidc):
    body, _, _ = tokens_for(oidc)
    r = requests.post(oidc.issuer + "/oauth2/revoke", data={"token": body["refresh_token"], "client_id": "cells-client"})
    assert r.status_code == 200
    r = requests.get(oidc.issuer + "/userinfo", headers={"Authorization": "Bearer " + body["access_token"]})
    assert r.status_code == 401


def test_token_endpoint_errors(oidc):
    post = lambda **kw: requests.post(oidc.issuer + "/oauth2/token", **kw)
    r = post(data={"grant_type": "password", "username": "alice", "password": "x", "client_id": "cells-client"})
    assert r.status_code == 400 and r.json()["error"] == "unsupported_grant_type"
    r = post(data={"client_id": "cells-client"})
    assert r.json()["error"] == "invalid_request"
    r = post(auth=(CONF_ID, "wrong-secret-000000"), data={"grant_type": "client_credentials"})
    assert r.status_code == 401 and r.json()["error"] == "invalid_client" and "Basic" in r.headers["WWW-Authenticate"]
    r = post(data="grant_type=client_credentials&grant_type=client_credentials",
             headers={"Content-Type": "application/x-www-form-urlencoded"}, auth=(CONF_ID, CONF_SECRET))
    assert r.json()["error"] == "invalid_request"
    r = post(data=b"grant_type=%ff%fe", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    r = post(data=b"grant_type=%zz", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400
    r = post(json={"grant_type": "client_credentials"})
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    r = post(data={"grant_type": "authorization_code", "code": "forged", "client_id": "cells-client",
                   "redirect_uri": PUBLIC_REDIRECT, "code_verifier": pkce()[0]})
    assert r.json()["error"] == "invalid_grant"
    assert r.headers["Cache-Control"] == "no-store"


def test_forged_and_expired_bearer_tokens_rejected(oidc):
    body, _, _ = tokens_for(oidc)
    at = body["access_token"]
    head, payload, sig = at.split(".")
    for bad in (at[:-4] + "AAAA", head + "." + payload + ".", "x.y.z", "garbage", at + "x" * 20000):
        r = requests.get(oidc.issuer + "/userinfo", headers={"Authorization": "Bearer " + bad})
        assert r.status_code in (401, 431), bad[:20]
    # An ID token is not an access token.
    r = requests.get(oidc.issuer + "/userinfo", headers={"Authorization": "Bearer " + body["id_token"]})
    assert r.status_code == 401
    r = requests.get(oidc.issuer + "/userinfo")
    assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Bearer")


def test_key_rotation_keeps_old_tokens_valid(oidc):
    body, _, _ = tokens_for(oidc)
    old_kids = {k["kid"] for k in requests.get(oidc.issuer + "/.well-known/jwks.json").json()["keys"]}
    oidc.admin("keys", "rotate")
    keys = requests.get(oidc.issuer + "/.well-known/jwks.json").json()["keys"]
    assert old_kids < {k["kid"] for k in keys} and len(keys) == 8
    r = requests.get(oidc.issuer + "/userinfo", headers={"Authorization": "Bearer " + body["access_token"]})
    assert r.status_code == 200
    new_body, _, _ = tokens_for(oidc)
    h, _ = claims_of(oidc, new_body["access_token"])
    assert h["kid"] not in old_kids


def test_logout_ends_session_and_redirects_only_to_registered_uri(oidc):
    body, _, b = tokens_for(oidc)
    logout = oidc.issuer + "/oauth2/sessions/logout"
    r = b.get(logout + "?" + urlencode({"id_token_hint": body["id_token"], "post_logout_redirect_uri": "http://evil.example/"}))
    assert r.status_code == 400
    r = b.get(logout + "?" + urlencode({"id_token_hint": body["id_token"], "post_logout_redirect_uri": PUBLIC_REDIRECT,
                                         "state": "bye"}))
    assert r.status_code == 200
    from oidc_flow import hidden
    form = {"csrf": hidden(r.text, "csrf"), "id_token_hint": body["id_token"], "post_logout_redirect_uri": PUBLIC_REDIRECT,
            "state": "bye", "confirm": "yes"}
    r = b.post(logout, data=form)
    assert r.status_code == 302 and r.headers["Location"] == PUBLIC_REDIRECT + "?state=bye"
    _, challenge = pkce()
    _, r = b.authorize(challenge=challenge, extra={"prompt": "none"})
    assert query(r.headers["Location"])["error"] == "login_required"


def test_password_change_ends_sessions(oidc):
    oidc.create_user("erin", "erin-password-1")
    b = Browser(oidc)
    b.code_flow("erin", "erin-password-1")
    time.sleep(1.1)
    oidc.admin("user", "set-password", "-u", "erin", "--password-stdin", stdin="erin-password-2\n")
    _, challenge = pkce()
    _, r = b.authorize(challenge=challenge, extra={"prompt": "none"})
    assert query(r.headers["Location"])["error"] == "login_required"


def test_oob_pages(oidc):
    for path in ("/oauth2/oob", "/oauth/oob"):
        r = requests.get(oidc.url + path + "?code=abc%3Cdef")
        assert r.status_code == 200 and "abc&lt;def" in r.text


def test_per_client_signing_algorithms(oidc):
    oidc.admin("client", "create", "--id", "ed-app", "--secret-stdin", "--redirect-uri", "http://localhost:9998/cb",
               "--access-token-alg", "EdDSA", "--id-token-alg", "PS256", stdin="ed-app-secret-0123456789\n")
    listing = oidc.admin("client", "list").stdout
    assert "ed-app" in listing and "EdDSA/PS256" in listing and "secret" not in listing.lower()
    bad = oidc.admin("client", "create", "--id", "x", "--secret-stdin", "--redirect-uri", "http://localhost:1/cb",
                     "--access-token-alg", "HS256", stdin="x-secret-0123456789abc\n", check=False)
    assert bad.returncode != 0
    b = Browser(oidc)
    b.code_flow("alice", "alice-password-1")
    params = {"client_id": "ed-app", "redirect_uri": "http://localhost:9998/cb", "response_type": "code",
              "scope": "openid profile", "nonce": "n1"}
    code = query(b.get(oidc.issuer + "/oauth2/auth?" + urlencode(params)).headers["Location"])["code"]
    r = requests.post(oidc.issuer + "/oauth2/token", auth=("ed-app", "ed-app-secret-0123456789"),
                      data={"grant_type": "authorization_code", "code": code, "redirect_uri": "http://localhost:9998/cb"})
    assert r.status_code == 200, r.text
    h, _ = claims_of(oidc, r.json()["access_token"], typ="at+jwt")
    assert h["alg"] == "EdDSA"
    h, idt = claims_of(oidc, r.json()["id_token"])
    assert h["alg"] == "PS256" and idt["aud"] == "ed-app" and idt["nonce"] == "n1"
    assert oidc.admin("client", "delete", "--id", "ed-app").returncode == 0
    assert oidc.admin("client", "delete", "--id", "cells-sync", check=False).returncode != 0
