"""Admin-created workspaces and rights, through the admin CLI, REST and WebDAV."""
import requests

from test_files_rest import bearer


def test_workspace_rights_for_users_and_admin(cells):
    cells.create_user("wren", "wren-password-1")
    cells.create_user("zoe", "zoe-password-1")
    cells.create_user("quinn", "quinn-password-1")
    cells.admin("workspace", "create", "--slug", "projects", "--name", "Projects")
    bad = cells.admin("workspace", "create", "--slug", "Bad Slug", check=False)
    assert bad.returncode != 0
    cells.admin("workspace", "grant", "--slug", "projects", "-u", "wren", "--read", "--write")
    cells.admin("workspace", "grant", "--slug", "projects", "-u", "zoe", "--read")
    listing = cells.admin("workspace", "list").stdout
    assert "projects" in listing and "wren:rw" in listing and "zoe:r" in listing

    wren, zoe, quinn = (bearer(cells, u, u + "-password-1") for u in ("wren", "zoe", "quinn"))
    admin = bearer(cells, "admin", "admin-password-for-tests")
    put = lambda h, p, body: requests.put(cells.url + "/a/tree/content", params={"path": p}, data=body, headers=h)
    get = lambda h, p: requests.get(cells.url + "/a/tree/content", params={"path": p}, headers=h)

    assert put(wren, "projects/plan.txt", b"plan").status_code == 201
    assert get(zoe, "projects/plan.txt").content == b"plan"
    assert put(zoe, "projects/plan.txt", b"zoe edit").status_code == 403, "read-only grant"
    assert get(quinn, "projects/plan.txt").status_code == 403, "no grant"
    assert get(admin, "projects/plan.txt").status_code == 200, "admins reach every workspace"
    r = requests.request("PROPFIND", cells.url + "/dav/projects/", auth=("zoe", "zoe-password-1"), headers={"Depth": "1"})
    assert r.status_code == 207 and "plan.txt" in r.text
    assert requests.put(cells.url + "/dav/projects/z.txt", data=b"z", auth=("zoe", "zoe-password-1")).status_code == 403

    cells.admin("workspace", "grant", "--slug", "projects", "-u", "zoe")  # no flags: revoke
    assert get(zoe, "projects/plan.txt").status_code == 403
    assert get(wren, "nosuchws/x").status_code == 404
    cells.admin("workspace", "delete", "--slug", "projects")
    assert get(wren, "projects/plan.txt").status_code == 404
