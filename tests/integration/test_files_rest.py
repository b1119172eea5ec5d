"""The REST file API under /a/ with Bearer access tokens, against a real `cells` process."""
import hashlib
import os
import time
import socket

import pytest
import requests

from oidc_flow import Browser, exchange


def bearer(cells, login, password):
    b = Browser(cells)
    code, verifier, _ = b.code_flow(login, password)
    r = exchange(cells, code, verifier)
    assert r.status_code == 200, r.text
    return {"Authorization": "Bearer " + r.json()["access_token"]}


@pytest.fixture(scope="module")
def api(cells):
    cells.create_user("uma", "uma-password-1", email="uma@example.org")
    cells.create_user("victor", "victor-password-1")
    return cells, bearer(cells, "uma", "uma-password-1"), bearer(cells, "victor", "victor-password-1")


def a(cells, path):
    return cells.url + "/a/" + path


def test_me_reports_the_token(api):
    cells, uma, _ = api
    me = requests.get(a(cells, "user/me"), headers=uma).json()
    assert me["login"] == "uma" and me["token_kind"] == "oauth2" and me["client_id"] == "cells-client"
    assert me["expires_at"] > 0 and "openid" in me["scope"]
    r = requests.get(a(cells, "user/me"))
    assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Bearer")
    r = requests.get(a(cells, "user/me"), headers={"Authorization": "Bearer nonsense"})
    assert r.status_code == 401 and 'error="invalid_token"' in r.headers["WWW-Authenticate"]


def test_folder_upload_download_list_lifecycle(api):
    cells, uma, _ = api
    r = requests.post(a(cells, "tree/mkdir"), params={"path": "personal-files/docs"}, headers=uma)
    assert r.status_code == 201 and r.json()["type"] == "folder"
    folder_uuid = r.json()["uuid"]
    body = os.urandom(300_000)
    r = requests.put(a(cells, "tree/content"), params={"path": "personal-files/docs/report.bin"}, data=body, headers=uma)
    assert r.status_code == 201, r.text
    node = r.json()
    assert node["size"] == len(body) and node["hash"] == hashlib.sha256(body).hexdigest()
    r = requests.get(a(cells, "tree/content"), params={"path": "personal-files/docs/report.bin"}, headers=uma)
    assert r.status_code == 200 and r.content == body
    etag = r.headers["ETag"]
    r = requests.get(a(cells, "tree/content"), params={"uuid": node["uuid"]}, headers=dict(uma, Range="bytes=10-19"))
    assert r.status_code == 206 and r.content == body[10:20]
    assert r.headers["Content-Range"] == f"bytes 10-19/{len(body)}"
    r = requests.get(a(cells, "tree/content"), params={"uuid": node["uuid"]}, headers=dict(uma, Range="bytes=-5"))
    assert r.content == body[-5:]
    r = requests.get(a(cells, "tree/content"), params={"uuid": node["uuid"]}, headers=dict(uma, Range=f"bytes={len(body)}-"))
    assert r.status_code == 416
    r = requests.get(a(cells, "tree/content"), params={"uuid": node["uuid"]}, headers={**uma, "If-None-Match": etag})
    assert r.status_code == 304
    r = requests.put(a(cells, "tree/content"), params={"path": "personal-files/docs/report.bin"}, data=b"v2", headers=uma)
    assert r.status_code == 200 and r.json()["uuid"] == node["uuid"] and r.json()["etag"] != node["etag"]
    listing = requests.get(a(cells, "tree/list"), params={"path": "personal-files/docs"}, headers=uma).json()
    assert [c["path"] for c in listing["children"]] == ["personal-files/docs/report.bin"]
    assert listing["folder"]["uuid"] == folder_uuid
    st = requests.get(a(cells, "tree/stat"), params={"uuid": folder_uuid}, headers=uma).json()
    assert st["path"] == "personal-files/docs"


def test_paging(api):
    cells, uma, _ = api
    requests.post(a(cells, "tree/mkdir"), params={"path": "personal-files/many"}, headers=uma)
    for i in range(5):
        requests.put(a(cells, "tree/content"), params={"path": f"personal-files/many/f{i}"}, data=b"x", headers=uma)
    page = requests.get(a(cells, "tree/list"), params={"path": "personal-files/many", "limit": 2}, headers=uma).json()
    assert [c["path"].rsplit("/", 1)[1] for c in page["children"]] == ["f0", "f1"] and page["next_offset"] == 2
    last = requests.get(a(cells, "tree/list"), params={"path": "personal-files/many", "limit": 2, "offset": 4},
                        headers=uma).json()
    assert len(last["children"]) == 1 and "next_offset" not in last


def test_move_keeps_uuid_copy_makes_new_one_delete_removes(api):
    cells, uma, _ = api
    requests.post(a(cells, "tree/mkdir"), params={"path": "personal-files/m"}, headers=uma)
    f = requests.put(a(cells, "tree/content"), params={"path": "personal-files/m/a.txt"}, data=b"hello", headers=uma).json()
    r = requests.post(a(cells, "tree/move"), params={"from": "personal-files/m/a.txt", "to": "personal-files/m/b.txt"}, headers=uma)
    assert r.status_code == 200 and r.json()["uuid"] == f["uuid"] and r.json()["path"] == "personal-files/m/b.txt"
    r = requests.post(a(cells, "tree/copy"), params={"from": "personal-files/m", "to": "personal-files/m2"}, headers=uma)
    assert r.status_code == 200 and r.json()["uuid"] != f["uuid"]
    r = requests.get(a(cells, "tree/content"), params={"path": "personal-files/m2/b.txt"}, headers=uma)
    assert r.content == b"hello"
    r = requests.post(a(cells, "tree/copy"), params={"from": "personal-files/m", "to": "personal-files/m2"}, headers=uma)
    assert r.status_code == 412
    r = requests.post(a(cells, "tree/move"), params={"from": "personal-files/m", "to": "personal-files/m/inner"}, headers=uma)
    assert r.status_code == 403
    assert requests.delete(a(cells, "tree"), params={"path": "personal-files/m"}, headers=uma).status_code == 204
    assert requests.get(a(cells, "tree/stat"), params={"uuid": f["uuid"]}, headers=uma).status_code == 404
    assert requests.get(a(cells, "tree/stat"), params={"path": "personal-files/m2/b.txt"}, headers=uma).status_code == 200


def test_personal_files_are_private_common_files_shared(api):
    cells, uma, victor = api
    secret = requests.put(a(cells, "tree/content"), params={"path": "personal-files/secret.txt"}, data=b"mine",
                          headers=uma).json()
    assert requests.get(a(cells, "tree/stat"), params={"path": "personal-files/secret.txt"}, headers=victor).status_code == 404
    assert requests.get(a(cells, "tree/stat"), params={"uuid": secret["uuid"]}, headers=victor).status_code == 404
    assert requests.get(a(cells, "tree/content"), params={"uuid": secret["uuid"]}, headers=victor).status_code == 404
    shared = requests.put(a(cells, "tree/content"), params={"path": "common-files/hello.txt"}, data=b"all",
                          headers=uma).json()
    r = requests.get(a(cells, "tree/content"), params={"uuid": shared["uuid"]}, headers=victor)
    assert r.status_code == 200 and r.content == b"all"
    assert requests.put(a(cells, "tree/content"), params={"path": "common-files/hello.txt"}, data=b"edited",
                        headers=victor).status_code == 200


def test_bad_paths_are_refused(api):
    cells, uma, _ = api
    for path in ("personal-files/../common-files", "personal-files/a/./b", "personal-files/a\x00b",
                 "personal-files/" + "x" * 300, "personal-files/a\\b", "personal-files/\x01"):
        r = requests.post(a(cells, "tree/mkdir"), params={"path": path}, headers=uma)
        assert r.status_code == 400, path
    assert requests.get(a(cells, "tree/stat"), params={"path": "other-ws/x"}, headers=uma).status_code == 404
    raw = cells.url + "/a/tree/stat?path=personal-files%2F%FF"
    assert requests.get(raw, headers=uma).status_code == 400
    assert requests.post(a(cells, "tree/mkdir"), params={"path": "personal-files/no/parent"}, headers=uma).status_code == 409
    assert requests.delete(a(cells, "tree"), params={"path": "personal-files"}, headers=uma).status_code == 403


def test_truncated_upload_keeps_previous_version(api):
    cells, uma, _ = api
    requests.put(a(cells, "tree/content"), params={"path": "personal-files/keep.txt"}, data=b"version one", headers=uma)
    with socket.create_connection(("127.0.0.1", cells.port)) as s:
        s.sendall(("PUT /a/tree/content?path=personal-files/keep.txt HTTP/1.1\r\nHost: x\r\n"
                   f"Authorization: {uma['Authorization']}\r\nContent-Length: 100000\r\n\r\n").encode() + b"partial")
    r = requests.get(a(cells, "tree/content"), params={"path": "personal-files/keep.txt"}, headers=uma)
    assert r.content == b"version one"
    # The server removes the spool file when it sees the connection drop, on its own I/O thread,
    # which may be after this GET (served on another thread) was answered.
    spool = os.path.join(cells.data, "tmp")
    deadline = time.time() + 5
    while os.listdir(spool) and time.time() < deadline:
        time.sleep(0.05)
    assert os.listdir(spool) == [], "no spool file left behind"


def test_large_streamed_upload_and_download(api):
    cells, uma, _ = api
    chunk = os.urandom(1 << 20)
    size = 64 * len(chunk)
    r = requests.put(a(cells, "tree/content"), params={"path": "personal-files/big.bin"},
                     data=(chunk for _ in range(64)), headers=uma)  # chunked transfer encoding
    assert r.status_code == 201 and r.json()["size"] == size
    digest = hashlib.sha256()
    with requests.get(a(cells, "tree/content"), params={"path": "personal-files/big.bin"}, headers=uma, stream=True) as r:
        for part in r.iter_content(1 << 20):
            digest.update(part)
    assert digest.hexdigest() == hashlib.sha256(chunk * 64).hexdigest()


def test_upload_without_length_is_refused(api):
    cells, uma, _ = api
    with socket.create_connection(("127.0.0.1", cells.port)) as s:
        s.sendall(("PUT /a/tree/content?path=personal-files/nolen.txt HTTP/1.1\r\nHost: x\r\n"
                   f"Authorization: {uma['Authorization']}\r\nConnection: close\r\n\r\n").encode())
        answer = s.recv(4096).decode()
    assert answer.startswith("HTTP/1.1 411"), answer
    r = requests.get(a(cells, "tree/stat"), params={"path": "personal-files/nolen.txt"}, headers=uma)
    assert r.status_code == 404


def test_names_differing_only_by_unicode_normalization_are_one_name(api):
    cells, uma, _ = api
    nfc, nfd = "caf\u00e9.txt", "cafe\u0301.txt"
    r = requests.put(a(cells, "tree/content"), params={"path": "personal-files/" + nfd}, data=b"1", headers=uma)
    assert r.status_code == 201 and r.json()["path"] == "personal-files/" + nfc
    r = requests.put(a(cells, "tree/content"), params={"path": "personal-files/" + nfc}, data=b"2", headers=uma)
    assert r.status_code == 200, "same file, replaced"
    r = requests.get(a(cells, "tree/content"), params={"path": "personal-files/" + nfd}, headers=uma)
    assert r.content == b"2"
