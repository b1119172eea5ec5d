"""The authorization code flow, as a browser without a session drives it, against cells and the peer.

Each function runs one whole flow on a fresh requests.Session (authorization request, login page,
form post, redirect with the code, code exchange with client_secret_basic) and returns the token
response as a dict. Every hop is checked; any surprise raises FlowError.
"""
import base64
import hashlib
import html
import re
import secrets
from urllib.parse import parse_qs, urlencode, urljoin, urlparse

import requests


class FlowError(Exception):
    pass


def _pkce():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def _hidden(page, name):
    m = re.search(r'name="%s"[^>]*value="([^"]*)"' % name, page) or \
        re.search(r'value="([^"]*)"[^>]*name="%s"' % name, page)
    if not m:
        raise FlowError(f"no hidden field {name} in the login page")
    return html.unescape(m.group(1))


def _expect(r, statuses, what):
    if r.status_code not in statuses:
        raise FlowError(f"{what}: HTTP {r.status_code} {r.text[:200]!r}")
    return r


def _code_from(location, redirect_uri, state):
    if not location.startswith(redirect_uri):
        raise FlowError(f"unexpected redirect {location[:200]}")
    q = {k: v[0] for k, v in parse_qs(urlparse(location).query).items()}
    if q.get("state") != state or "code" not in q:
        raise FlowError(f"bad authorization response {q}")
    return q["code"]


def _auth_params(client_id, redirect_uri, scope, challenge, extra=None):
    params = {"client_id": client_id, "redirect_uri": redirect_uri, "response_type": "code", "scope": scope,
              "state": "st-" + secrets.token_hex(6), "nonce": "n-" + secrets.token_hex(6),
              "code_challenge": challenge, "code_challenge_method": "S256"}
    params.update(extra or {})
    return params


def _exchange(s, token_url, code, verifier, redirect_uri, client_id, secret):
    r = s.post(token_url, data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                                "code_verifier": verifier}, auth=(client_id, secret), allow_redirects=False)
    body = _expect(r, (200,), "code exchange").json()
    if "access_token" not in body:
        raise FlowError(f"no access token in {body}")
    return body


def cells_code_flow(base, client_id, secret, login, password, redirect_uri, scope="openid profile email offline"):
    """base: http://host:port of cells."""
    s = requests.Session()
    verifier, challenge = _pkce()
    params = _auth_params(client_id, redirect_uri, scope, challenge)
    r = _expect(s.get(base + "/oidc/oauth2/auth?" + urlencode(params), allow_redirects=False), (302, 303),
                "authorization request")
    login_url = urljoin(base, r.headers["Location"])
    if not urlparse(login_url).path.startswith("/oauth2/login"):
        raise FlowError(f"expected the login page, got {login_url}")
    page = _expect(s.get(login_url, allow_redirects=False), (200,), "login page").text
    form = {"login": login, "password": password, "csrf": _hidden(page, "csrf"), "request": _hidden(page, "request")}
    r = _expect(s.post(base + "/oauth2/login", data=form, allow_redirects=False), (302, 303), "login form")
    code = _code_from(r.headers["Location"], redirect_uri, params["state"])
    return _exchange(s, base + "/oidc/oauth2/token", code, verifier, redirect_uri, client_id, secret)


def peer_code_flow(base, client_id, secret, login, password, redirect_uri, scope="openid profile email offline_access"):
    """base: http://host:port of the peer (oidc-provider mounted at /)."""
    s = requests.Session()
    verifier, challenge = _pkce()
    params = _auth_params(client_id, redirect_uri, scope, challenge)
    r = _expect(s.get(base + "/auth?" + urlencode(params), allow_redirects=False), (302, 303), "authorization request")
    interaction = urljoin(base, r.headers["Location"])
    if "/interaction/" not in interaction:
        raise FlowError(f"expected the interaction page, got {interaction}")
    _expect(s.get(interaction, allow_redirects=False), (200,), "login page")
    r = _expect(s.post(interaction + "/login", data={"login": login, "password": password}, allow_redirects=False),
                (302, 303), "login form")
    # Resume the authorization (one or two hops) until the redirect to the client.
    for _ in range(4):
        location = urljoin(base, r.headers["Location"])
        if location.startswith(redirect_uri):
            break
        r = _expect(s.get(location, allow_redirects=False), (302, 303), "authorization resume")
    else:
        raise FlowError("the authorization never came back to the client")
    code = _code_from(location, redirect_uri, params["state"])
    return _exchange(s, base + "/token", code, verifier, redirect_uri, client_id, secret)
