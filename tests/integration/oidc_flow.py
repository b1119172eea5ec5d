"""Drives the authorization code flow over plain HTTP, as a browser would, for the tests."""
import base64
import hashlib
import re
import secrets
from urllib.parse import parse_qs, urlencode, urlparse

import requests

PUBLIC_REDIRECT = "http://localhost:3636"


def pkce():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def hidden(html, name):
    m = re.search(r'name="%s"[^>]*value="([^"]*)"' % name, html) or \
        re.search(r'value="([^"]*)"[^>]*name="%s"' % name, html)
    assert m, f"no hidden field {name} in page"
    import html as h
    return h.unescape(m.group(1))


def query(location):
    return {k: v[0] for k, v in parse_qs(urlparse(location).query).items()}


class Browser:
    """A requests.Session that never follows redirects, so each hop can be checked."""

    def __init__(self, cells):
        self.cells = cells
        self.s = requests.Session()

    def get(self, url, **kw):
        return self.s.get(url, allow_redirects=False, **kw)

    def post(self, url, **kw):
        return self.s.post(url, allow_redirects=False, **kw)

    def authorize(self, client_id="cells-client", redirect_uri=PUBLIC_REDIRECT, scope="openid profile email offline",
                  challenge=None, extra=None):
        params = {"client_id": client_id, "redirect_uri": redirect_uri, "response_type": "code", "scope": scope,
                  "state": "st-" + secrets.token_hex(4), "nonce": "n-" + secrets.token_hex(4)}
        if challenge:
            params.update(code_challenge=challenge, code_challenge_method="S256")
        params.update(extra or {})
        return params, self.get(self.cells.issuer + "/oauth2/auth?" + urlencode(params))

    def login(self, login_page_url, login, password):
        page = self.get(login_page_url)
        assert page.status_code == 200, page.text
        form = {"login": login, "password": password, "csrf": hidden(page.text, "csrf"),
                "request": hidden(page.text, "request")}
        return self.post(self.cells.url + "/oauth2/login", data=form)

    def code_flow(self, login, password, client_id="cells-client", redirect_uri=PUBLIC_REDIRECT,
                  scope="openid profile email offline"):
        """Returns (code, verifier, params) after signing in through the real form."""
        verifier, challenge = pkce()
        params, r = self.authorize(client_id, redirect_uri, scope, challenge)
        if r.headers["Location"].startswith(self.cells.url + "/oauth2/login"):
            r = self.login(r.headers["Location"], login, password)
        assert r.status_code == 302, r.text
        q = query(r.headers["Location"])
        assert r.headers["Location"].startswith(redirect_uri)
        assert q["state"] == params["state"]
        assert q["iss"] == self.cells.issuer
        return q["code"], verifier, params


def exchange(cells, code, verifier, client_id="cells-client", redirect_uri=PUBLIC_REDIRECT, auth=None):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "code_verifier": verifier}
    if not auth:
        data["client_id"] = client_id
    return requests.post(cells.issuer + "/oauth2/token", data=data, auth=auth)
