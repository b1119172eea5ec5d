"""HTTPS with --tls-cert/--tls-key: the site URL's scheme drives the cookie hardening."""
import subprocess

import requests
import urllib3

from conftest import Cells
from oidc_flow import pkce

urllib3.disable_warnings()


def test_https_serving_and_host_prefixed_secure_cookies(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1"],
                   check=True, capture_output=True)
    c = Cells(data=str(tmp_path / "data"), extra_args=["--tls-cert", str(cert), "--tls-key", str(key)])
    c.extra_args += ["--site-url", "https://127.0.0.1:%d" % c.port]
    c.url = c.url.replace("http://", "https://")
    c.issuer = c.url + "/oidc"
    orig_get = requests.get
    requests.get = lambda *a, **kw: orig_get(*a, verify=False, **kw)
    try:
        c.start()
    finally:
        requests.get = orig_get
    try:
        get = lambda url, **kw: requests.get(url, verify=False, **kw)  # self-signed test certificate
        d = get(c.issuer + "/.well-known/openid-configuration").json()
        assert d["issuer"] == c.issuer and d["token_endpoint"].startswith("https://")
        _, challenge = pkce()
        r = get(c.issuer + "/oauth2/auth", allow_redirects=True,
                  params={"client_id": "cells-client", "redirect_uri": "http://localhost:3636", "response_type": "code",
                          "scope": "openid", "code_challenge": challenge, "code_challenge_method": "S256"})
        assert r.status_code == 200 and "Sign in" in r.text
        cookie = r.headers["Set-Cookie"]
        assert cookie.startswith("__Host-cells_csrf=") and "Secure" in cookie and "HttpOnly" in cookie
        plain = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:%d/healthz" % c.port],
                               capture_output=True, text=True)
        assert plain.stdout != "200", "plain HTTP is not served on the TLS port"
    finally:
        c.stop()
