"""Two `cells` nodes on one PostgreSQL database and one shared files folder, behind a real nginx
(round-robin), for tests/integration/test_cluster.py. Everything runs in temporary folders."""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import ctypes
import threading
import time

import requests

from conftest import Cells, free_port, pg_database

NGINX = os.environ.get("CELLS_TEST_NGINX", "/usr/sbin/nginx")

# The balancer as docs/deploy.md describes it, with test paths. Notes:
# - `proxy_request_buffering off` streams uploads to the node as they arrive (no copy in nginx's
#   temp folder); `proxy_buffering off` does the same for downloads.
# - `proxy_next_upstream error timeout` is nginx's default and is spelled out on purpose: a request
#   that failed to connect is tried on the other node, and so is an idempotent request (GET, HEAD,
#   PUT, PROPFIND...) whose body has not started streaming. Without `non_idempotent`, a POST, LOCK
#   or PATCH that has been sent to a node is never replayed on the other one: a token request or a
#   code redemption must not run twice because the first node died before it answered.
# - `max_fails=1 fail_timeout=2s`: one failure takes a node out of rotation for 2 s (nginx open
#   source has passive health checks only), after which it is tried again.
NGINX_CONF = """\
{user}worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log info;
events {{ worker_connections 1024; }}
http {{
  log_format upstream '$remote_addr "$request" $status upstream=$upstream_addr upstream_status=$upstream_status';
  access_log {prefix}/access.log upstream;
  client_body_temp_path {prefix}/tmp/body;
  proxy_temp_path {prefix}/tmp/proxy;
  fastcgi_temp_path {prefix}/tmp/fastcgi;
  uwsgi_temp_path {prefix}/tmp/uwsgi;
  scgi_temp_path {prefix}/tmp/scgi;

  upstream cells {{
{servers}
    keepalive 16;
  }}

  server {{
    listen 127.0.0.1:{port};
    client_max_body_size 0;

    location / {{
      proxy_pass http://cells;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;
      proxy_request_buffering off;
      proxy_buffering off;
      proxy_next_upstream error timeout;
      proxy_next_upstream_tries 2;
      proxy_connect_timeout 2s;
      proxy_send_timeout 300s;
      proxy_read_timeout 300s;
    }}
  }}
}}
"""


def _die_with_parent():
    """In the child: SIGKILL when the test process dies, so a killed test run leaves no nginx."""
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


class Endpoint:
    """What oidc_flow.Browser needs from a server: its base URL and its issuer."""

    def __init__(self, url, issuer):
        self.url = url
        self.issuer = issuer


class Nginx:
    def __init__(self, port, upstream_ports):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.prefix = tempfile.mkdtemp(prefix="cells-nginx-")
        for sub in ("tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi"):
            os.makedirs(os.path.join(self.prefix, sub))
        servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;" for p in upstream_ports)
        # As root the workers would run as `nobody`, which cannot write to our temp folders.
        user = "user root;\n" if os.geteuid() == 0 else ""
        self.conf = os.path.join(self.prefix, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(NGINX_CONF.format(user=user, prefix=self.prefix, servers=servers, port=port))
        self.proc = None

    def start(self):
        self.out = open(os.path.join(self.prefix, "stdout.log"), "ab")
        self.proc = subprocess.Popen([NGINX, "-p", self.prefix, "-c", self.conf, "-e", os.path.join(self.prefix, "error.log"),
                                      "-g", "daemon off;"], stdout=self.out, stderr=subprocess.STDOUT,
                                     preexec_fn=_die_with_parent)
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited with {self.proc.returncode}: {self.errors()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not start: " + self.errors())

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)  # graceful
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self.proc:
            self.out.close()

    def errors(self):
        try:
            with open(os.path.join(self.prefix, "error.log"), errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def access_log(self):
        try:
            with open(os.path.join(self.prefix, "access.log"), errors="replace") as f:
                return f.read()
        except OSError:
            return ""


class Cluster:
    """Two nodes (`a`, `b`) sharing one fresh database and one files folder, and nginx in front
    (`lb`). Every node has its own --data folder (its admin socket) and --site-url = the balancer."""

    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="cells-cluster-")
        self.files = os.path.join(self.root, "files")
        os.makedirs(self.files)
        self.db = pg_database()
        self.lb_port = free_port()
        self.lb_url = f"http://127.0.0.1:{self.lb_port}"
        self.lb = Endpoint(self.lb_url, self.lb_url + "/oidc")
        self.nodes = [self._node(os.path.join(self.root, name)) for name in ("a", "b")]
        self.nginx = Nginx(self.lb_port, [n.port for n in self.nodes])
        self.restarts = 0

    @property
    def a(self):
        return self.nodes[0]

    @property
    def b(self):
        return self.nodes[1]

    def _node(self, data, port=None):
        node = Cells(data=data, extra_args=["--db", self.db, "--files", self.files, "--site-url", self.lb_url])
        if port:
            node.port = port
            node.url = f"http://127.0.0.1:{port}"
            node.issuer = node.url + "/oidc"
        return node

    def start(self):
        """Starts both nodes at the same moment (on the empty database), then nginx."""
        barrier = threading.Barrier(len(self.nodes))
        errors = []

        def run(node):
            barrier.wait()
            try:
                node.start()
            except Exception as e:  # reported below, in the test's thread
                errors.append(e)

        threads = [threading.Thread(target=run, args=(n,)) for n in self.nodes]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]
        self.nginx.start()
        return self

    def restart(self, index):
        """Starts node `index` again on its data folder and port (after stop or kill)."""
        old = self.nodes[index]
        self.restarts += 1
        node = self._node(old.data, port=old.port)
        node.log_path = old.log_path + f".{self.restarts}"
        self.nodes[index] = node
        node.start()
        return node

    def extra_node(self, name):
        """Another node on the same database and files folder (not behind the balancer)."""
        return self._node(os.path.join(self.root, name))

    def stop(self):
        # nginx first: a node stopping waits (up to 5 s) for open connections, including the
        # balancer's idle keep-alive ones.
        try:
            self.nginx.stop()
        except Exception:
            if self.nginx.proc and self.nginx.proc.poll() is None:
                self.nginx.proc.kill()
        for node in self.nodes:
            try:
                node.stop()
            except Exception:
                if node.proc and node.proc.poll() is None:
                    node.proc.kill()

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)
        shutil.rmtree(self.nginx.prefix, ignore_errors=True)


def request_lines(node):
    """How many requests this node has logged (one access-log line per request)."""
    return node.logs().count("request method=")


def eventually(check, within, interval=0.05):
    """Calls check() until it returns a truthy value, the last call starting no later than `within`
    seconds after the first; returns (last value, seconds from the first call to the last answer)."""
    start = time.monotonic()
    deadline = start + within
    while True:
        value = check()
        now = time.monotonic()
        if value or now >= deadline:
            return value, now - start
        time.sleep(min(interval, deadline - now))


def same_time(*calls):
    """Runs the calls in threads released together by a barrier; returns their results (or the
    exceptions they raised) in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, fn):
        barrier.wait()
        try:
            results[i] = fn()
        except Exception as e:
            results[i] = e

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def post(url, **kw):
    return requests.post(url, allow_redirects=False, timeout=30, **kw)
