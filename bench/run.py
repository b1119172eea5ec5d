#!/usr/bin/python3
"""The side-by-side benchmark of cells and panva's oidc-provider (the peer). Run through
bench/run.sh, which installs the tools and builds cells; see docs/performance.md.

Every measured run is preceded by a warm-up; every answer is checked by the wrk script (status and,
where it matters, the body). A scenario with bad answers or socket errors is reported as failed.
Writes RESULTS_DIR/YYYY-MM-DD.{md,json}. Exit status: 0 when every scenario ran cleanly (targets
missed are reported, not fatal), 1 when a scenario failed, 2 when the harness itself broke.
"""
import argparse
import concurrent.futures
import datetime
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import statistics
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import flows  # noqa: E402

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
WRK_DIR = os.path.join(BENCH, "wrk")
TICK = os.sysconf("SC_CLK_TCK")
NPROC = os.cpu_count() or 1

CLIENT_SECRET = "bench-client-secret-0123456789"
USER, USER_PASSWORD = "bench", "bench-password-0123456789"
ADMIN_PASSWORD = "bench-admin-password-0123456789"
REDIRECT_URI = "http://localhost:3000/cb"
CLIENTS = {"bench-rs": "RS256", "bench-es": "ES256"}

ALL_SCENARIOS = ["healthz", "discovery", "jwks", "token_rs256", "token_es256", "refresh", "introspect",
                 "rest_jwt", "rest_pat", "me_jwt", "me_pat", "bearer_rounds", "propfind", "download", "code_flow",
                 "scale", "peer_rounds"]
# bearer_rounds: the Bearer target's measurement, BEARER_ROUNDS rounds of these, back to back.
BEARER_ROUND = ["healthz", "me_pat", "me_jwt"]
BEARER_ROUNDS = 3
# peer_rounds: the cells / peer targets again, cells then the peer for each, in PEER_ROUNDS rounds.
PEER_ROUND = ["token_es256", "introspect", "discovery", "jwks"]
PEER_ROUNDS = 3
SCALE_SCENARIOS = ["rest_jwt", "rest_pat", "introspect", "refresh"]


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sh(*cmd, **kw):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=kw.pop("timeout", 60), **kw).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


# ------------------------------------------------------------------------------------------------
# Processes and their resources (/proc).

def proc_tree(pid):
    """pid and all its descendants."""
    children = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(d))
        except (OSError, IndexError):
            pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def cpu_seconds(pids):
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError):
            pass
    return total / TICK


def status_kb(pids, key):
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith(key + ":"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def wait_idle(pids, limit=20.0):
    """Waits until the server has finished the work the warm-up left queued (an abandoned request
    still runs to the end), so that the measured run does not pay for it."""
    deadline = time.time() + limit
    prev = cpu_seconds(pids)
    while time.time() < deadline:
        time.sleep(0.1)
        cur = cpu_seconds(pids)
        if cur - prev < 0.02:
            return
        prev = cur


def reset_peak(pids):
    for p in pids:
        try:
            with open(f"/proc/{p}/clear_refs", "w") as f:
                f.write("5")
        except OSError:
            pass


class Server:
    """A server process under test: cells, the peer (a cluster) or nginx."""

    def __init__(self, name, cmd, env, base, log_path, cwd=None):
        self.name, self.cmd, self.env, self.base, self.log_path, self.cwd = name, cmd, env, base, log_path, cwd
        self.proc = None

    def start(self, ready_path="/healthz", timeout=60):
        self.logf = open(self.log_path, "ab")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(self.cmd, env=self.env, stdout=self.logf, stderr=subprocess.STDOUT, cwd=self.cwd,
                                     start_new_session=True)
        host, port = self.base.split("//")[1].split(":")
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}: {self.logs()[-2000:]}")
            try:
                c = http.client.HTTPConnection(host, int(port), timeout=1)
                c.request("GET", ready_path)
                if c.getresponse().status == 200:
                    c.close()
                    self.startup_s = time.perf_counter() - t0
                    return self
                c.close()
            except OSError:
                time.sleep(0.001)
        raise RuntimeError(f"{self.name} did not answer {ready_path}: {self.logs()[-2000:]}")

    def pids(self):
        return proc_tree(self.proc.pid) if self.proc and self.proc.poll() is None else []

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if self.proc:
            self.logf.close()
            self.proc = None

    def logs(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""


# ------------------------------------------------------------------------------------------------
# Measurements.

class Bench:
    def __init__(self, args, work):
        self.args, self.work = args, work
        self.smoke = args.smoke
        self.duration = args.duration
        self.warmup = 1 if self.smoke else max(2, min(5, self.duration // 3))
        self.threads = 2
        self.conns = 4 if self.smoke else 32
        self.results = {}   # scenario -> {"cells": run, "peer": run, ...}
        self.scale = {}     # level -> scenario -> run
        self.rounds = []    # bearer_rounds: one {scenario: run} per round
        self.peer_rounds = []  # peer_rounds: one {scenario: {"cells": run, "peer": run}} per round
        self.failures = []

    def record(self, scenario, server, run):
        self.results.setdefault(scenario, {})[server] = run
        if not run.get("ok"):
            self.failures.append(f"{scenario}/{server}: {run.get('error') or run.get('first_bad') or 'errors'}")
        log(f"  {scenario:12} {server:6} " + (f"{run['rps']:10.1f} req/s  p50 {run['p50_ms']:.2f} ms  p99 "
                                              f"{run['p99_ms']:.2f} ms  cpu {run['cpu_s']:.2f} s  rss "
                                              f"{run['peak_rss_mb']:.1f} MB" if run.get("rps") is not None else "")
            + ("" if run.get("ok") else "  FAILED " + str(run.get("error") or run.get("first_bad") or run.get("errors"))))

    def wrk_once(self, url, script, env, duration, conns=None, threads=None):
        conns = conns or self.conns
        threads = threads or self.threads
        cmd = ["wrk", f"-t{threads}", f"-c{conns}", f"-d{duration}s", "--timeout", "10s", "--latency",
               "-s", os.path.join(WRK_DIR, script), url]
        e = dict(os.environ, BENCH_THREADS=str(threads), **env)
        r = subprocess.run(cmd, env=e, capture_output=True, text=True, timeout=duration + 60)
        m = re.search(r"^BENCH_RESULT (.*)$", r.stdout, re.M)
        if r.returncode != 0 or not m:
            raise RuntimeError(f"wrk failed ({r.returncode}): {r.stdout[-500:]} {r.stderr[-500:]}")
        return json.loads(m.group(1))

    def measure_wrk(self, server, url, script, env=None, prepare=None, conns=None, threads=None):
        """Warm-up then the measured run; returns the run record (ok False on bad answers)."""
        env = dict(env or {})
        try:
            if prepare:
                env.update(prepare("warmup"))
            w = self.wrk_once(url, script, env, self.warmup, conns, threads)
            if prepare:
                env.update(prepare("run"))
            pids = server.pids()
            wait_idle(pids)
            reset_peak(pids)
            c0, t0 = cpu_seconds(pids), time.perf_counter()
            r = self.wrk_once(url, script, env, self.duration, conns, threads)
            wall = time.perf_counter() - t0
            cpu = cpu_seconds(pids) - c0
            hwm = status_kb(server.pids(), "VmHWM")
        except Exception as e:  # noqa: BLE001
            return {"ok": False, "error": f"{type(e).__name__}: {e}"}
        secs = r["duration_us"] / 1e6
        errs = r["errors"]
        sock_errors = errs["connect"] + errs["read"] + errs["write"] + errs["timeout"]
        bad = r["bad"] + (errs["status"] if script == "download.lua" else 0)
        warm_bad = w["bad"] + (w["errors"]["status"] if script == "download.lua" else 0)
        ok = bad == 0 and sock_errors == 0 and warm_bad == 0 and r["requests"] > 0
        return {"ok": ok, "requests": r["requests"], "rps": r["requests"] / secs, "bytes_per_s": r["bytes"] / secs,
                "p50_ms": r["latency_us"]["p50"] / 1000, "p99_ms": r["latency_us"]["p99"] / 1000,
                "non_2xx": bad, "warmup_non_2xx": warm_bad, "socket_errors": errs, "first_bad": r["first_bad"] or w["first_bad"],
                "cpu_s": cpu, "cpu_us_per_req": cpu / max(1, r["requests"]) * 1e6, "cpu_util": cpu / wall,
                "peak_rss_mb": hwm / 1024, "conns": conns or self.conns, "threads": threads or self.threads,
                "duration_s": secs}

    def measure_flows(self, server, flow, workers=4):
        """The whole authorization code flow (Python driver, `workers` browsers at once)."""
        def loop(stop_at, lat, errors):
            while time.perf_counter() < stop_at:
                t = time.perf_counter()
                try:
                    flow()
                    lat.append(time.perf_counter() - t)
                except Exception as e:  # noqa: BLE001
                    errors.append(str(e))

        def run(duration):
            lat, errors = [], []
            stop_at = time.perf_counter() + duration
            ts = [threading.Thread(target=loop, args=(stop_at, lat, errors)) for _ in range(workers)]
            t0 = time.perf_counter()
            for t in ts:
                t.start()
            for t in ts:
                t.join()
            return lat, errors, time.perf_counter() - t0

        try:
            _, werr, _ = run(self.warmup)
            pids = server.pids()
            wait_idle(pids)
            reset_peak(pids)
            c0 = cpu_seconds(pids)
            lat, errors, wall = run(self.duration)
            cpu = cpu_seconds(pids) - c0
            hwm = status_kb(server.pids(), "VmHWM")
        except Exception as e:  # noqa: BLE001
            return {"ok": False, "error": f"{type(e).__name__}: {e}"}
        lat.sort()
        q = (lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000) if lat else (lambda p: 0.0)
        return {"ok": not errors and not werr and bool(lat), "requests": len(lat), "rps": len(lat) / wall,
                "p50_ms": q(0.50), "p99_ms": q(0.99), "non_2xx": len(errors) + len(werr),
                "first_bad": (errors or werr or [""])[0][:200], "cpu_s": cpu,
                "cpu_us_per_req": cpu / max(1, len(lat)) * 1e6, "cpu_util": cpu / wall, "peak_rss_mb": hwm / 1024,
                "conns": workers, "threads": workers, "duration_s": wall, "unit": "flows"}


def many(fn, n, workers=4):
    with concurrent.futures.ThreadPoolExecutor(workers) as ex:
        return list(ex.map(lambda _: fn(), range(n)))


def basic(user, password):
    import base64
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


# ------------------------------------------------------------------------------------------------
# cells: start, seed, scenarios.

class Cells:
    def __init__(self, bench, binary, work):
        self.bench, self.bin = bench, binary
        self.data = os.path.join(work, "cells-data")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, CELLS_ADMIN_PASSWORD=ADMIN_PASSWORD, CELLS_LOG_LEVEL="warn")
        self.server = Server("cells", [binary, "start", "--bind", f"127.0.0.1:{self.port}", "--data", self.data],
                             env, self.base, os.path.join(work, "cells.log"))

    def admin(self, *args, stdin=None):
        r = subprocess.run([self.bin, "admin", "--data", self.data, *args], input=stdin, capture_output=True,
                           text=True, timeout=60)
        if r.returncode != 0:
            raise RuntimeError(f"cells admin {' '.join(args)}: {r.stdout} {r.stderr}")
        return r.stdout.strip()

    def start(self):
        self.server.start()
        return self.server.startup_s

    def stop(self):
        self.server.stop()

    def setup(self):
        self.admin("user", "create", "-u", USER, "--password-stdin", stdin=USER_PASSWORD + "\n")
        for cid, alg in CLIENTS.items():
            self.admin("client", "create", "--id", cid, "--secret-stdin", "--redirect-uri", REDIRECT_URI,
                       "--grant", "client_credentials", "--grant", "refresh_token", "--grant", "authorization_code",
                       "--access-token-alg", alg, stdin=CLIENT_SECRET + "\n")
        self.pat = self.admin("user", "token", "-u", USER, "-e", "30d", "-q", "--label", "bench").splitlines()[-1]

    def flow(self):
        return flows.cells_code_flow(self.base, "bench-rs", CLIENT_SECRET, USER, USER_PASSWORD, REDIRECT_URI)

    def upload(self, path, size_mib):
        blob = os.path.join(self.bench.work, "big.bin")
        if not os.path.exists(blob) or os.path.getsize(blob) != size_mib << 20:
            with open(blob, "wb") as f:
                for _ in range(size_mib):
                    f.write(os.urandom(1 << 20))
        with open(blob, "rb") as f:
            r = requests.put(self.base + "/dav/personal-files/" + path, data=f, auth=(USER, USER_PASSWORD))
        if r.status_code not in (200, 201, 204):
            raise RuntimeError(f"upload: {r.status_code} {r.text[:200]}")
        return blob

    def seed(self, users, tokens, pats):
        """Adds rows (while cells is stopped) until the tables hold about this many of each."""
        db = sqlite3.connect(os.path.join(self.data, "cells.db"))
        db.execute("PRAGMA synchronous=OFF")
        pw = db.execute("SELECT password_hash FROM users WHERE login = ?", (USER,)).fetchone()[0]
        now = int(time.time())
        have = lambda t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]  # noqa: E731
        n0 = have("users")
        db.executemany(
            "INSERT INTO users (id, login, login_key, name, email, password_hash, is_admin, created_at, updated_at,"
            " password_changed_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?)",
            ((str(uuid.uuid4()), f"seed{i:07d}", f"seed{i:07d}", f"Seed {i}", f"seed{i}@example.com", pw, now, now, now)
             for i in range(n0, users)))
        db.commit()
        ids = [r[0] for r in db.execute("SELECT id FROM users LIMIT 10000")]
        n0 = have("refresh_tokens")
        db.executemany(
            "INSERT INTO refresh_tokens (token_hash, grant_id, client_id, user_id, scope, sid, auth_time, created_at,"
            " expires_at, used_at, successor_hash) VALUES (?, ?, 'bench-rs', ?, 'openid offline', ?, ?, ?, ?, 0, '')",
            ((secrets.token_hex(32), str(uuid.uuid4()), ids[i % len(ids)], str(uuid.uuid4()), now, now,
              now + 30 * 86400) for i in range(n0, tokens)))
        db.commit()
        n0 = have("personal_tokens")
        db.executemany(
            "INSERT INTO personal_tokens (id, token_hash, user_id, label, created_by, created_at, last_used_at,"
            " expires_at, window_seconds, max_expires_at, scopes) VALUES (?, ?, ?, 'seed', 'bench', ?, 0, ?, 0, 0, '[]')",
            ((secrets.token_hex(6), secrets.token_hex(32), ids[i % len(ids)], now, now + 30 * 86400)
             for i in range(n0, pats)))
        db.commit()
        counts = {t: have(t) for t in ("users", "refresh_tokens", "personal_tokens")}
        db.close()
        return counts


def cells_scenarios(b, cells, names, prefix=""):
    """Runs the cells side of the listed scenarios (those cells has)."""
    s = cells.server
    base = cells.base
    flow_token = None

    def fresh_flow():
        nonlocal flow_token
        if flow_token is None:
            flow_token = cells.flow()
        return flow_token

    def refresh_tokens(_phase):
        path = os.path.join(b.work, f"cells-refresh-{_phase}-{time.monotonic_ns()}.txt")
        toks = many(lambda: cells.flow()["refresh_token"], b.conns + 2)
        with open(path, "w") as f:
            f.write("\n".join(toks) + "\n")
        return {"BENCH_TOKENS_FILE": path}

    client_auth = {cid: basic(cid, CLIENT_SECRET) for cid in CLIENTS}
    for name in names:
        key = prefix + name
        if name == "healthz":
            b.record(key, "cells", b.measure_wrk(s, base + "/healthz", "get.lua", {"BENCH_EXPECT": '"ok"'}))
        elif name == "discovery":
            b.record(key, "cells", b.measure_wrk(s, base + "/oidc/.well-known/openid-configuration", "get.lua",
                                                 {"BENCH_EXPECT": "jwks_uri"}))
        elif name == "jwks":
            b.record(key, "cells", b.measure_wrk(s, base + "/oidc/.well-known/jwks.json", "get.lua",
                                                 {"BENCH_EXPECT": '"keys"'}))
        elif name in ("token_rs256", "token_es256"):
            cid = "bench-rs" if name == "token_rs256" else "bench-es"
            b.record(key, "cells", b.measure_wrk(s, base + "/oidc/oauth2/token", "post_form.lua", {
                "BENCH_AUTH": client_auth[cid], "BENCH_BODY": "grant_type=client_credentials",
                "BENCH_EXPECT": "access_token"}))
        elif name == "refresh":
            b.record(key, "cells", b.measure_wrk(s, base + "/oidc/oauth2/token", "refresh_chain.lua", {
                "BENCH_AUTH": client_auth["bench-rs"], "BENCH_EXPECT": "access_token"}, prepare=refresh_tokens))
        elif name == "introspect":
            try:
                tok = fresh_flow()["refresh_token"]
            except Exception as e:  # noqa: BLE001
                b.record(key, "cells", {"ok": False, "error": str(e)})
                continue
            b.record(key, "cells", b.measure_wrk(s, base + "/oidc/oauth2/introspect", "post_form.lua", {
                "BENCH_AUTH": client_auth["bench-rs"], "BENCH_BODY": "token=" + tok, "BENCH_EXPECT": '"active":true'}))
        elif name == "rest_jwt":
            try:
                tok = fresh_flow()["access_token"]
            except Exception as e:  # noqa: BLE001
                b.record(key, "cells", {"ok": False, "error": str(e)})
                continue
            b.record(key, "cells", b.measure_wrk(s, base + "/a/tree/list?path=personal-files", "get.lua", {
                "BENCH_AUTH": "Bearer " + tok, "BENCH_EXPECT": '"folder"'}))
        elif name == "rest_pat":
            b.record(key, "cells", b.measure_wrk(s, base + "/a/tree/list?path=personal-files", "get.lua", {
                "BENCH_AUTH": "Bearer " + cells.pat, "BENCH_EXPECT": '"folder"'}))
        elif name in ("me_jwt", "me_pat"):
            try:
                tok = fresh_flow()["access_token"] if name == "me_jwt" else cells.pat
            except Exception as e:  # noqa: BLE001
                b.record(key, "cells", {"ok": False, "error": str(e)})
                continue
            b.record(key, "cells", b.measure_wrk(s, base + "/a/user/me", "get.lua", {
                "BENCH_AUTH": "Bearer " + tok, "BENCH_EXPECT": '"login"'}))
        elif name == "bearer_rounds":
            # The cost of a request drifts over a run (machine noise, the server's heap and caches):
            # compare each Bearer call with a /healthz measured just before it, round after round.
            for i in range(1 if b.smoke else BEARER_ROUNDS):
                saved, b.results = b.results, {}
                cells_scenarios(b, cells, BEARER_ROUND, prefix=f"round{i + 1}/")
                b.rounds.append({sc.split("/", 1)[1]: r["cells"] for sc, r in b.results.items()})
                b.results = saved
        elif name == "propfind":
            b.record(key, "cells", b.measure_wrk(s, base + "/dav/personal-files/", "propfind.lua", {
                "BENCH_AUTH": basic(USER, USER_PASSWORD), "BENCH_EXPECT": "multistatus"}))
        elif name == "download":
            b.record(key, "cells", b.measure_wrk(s, base + "/dav/personal-files/big.bin", "download.lua", {
                "BENCH_AUTH": basic(USER, USER_PASSWORD)}, conns=4))
        elif name == "code_flow":
            b.record(key, "cells", b.measure_flows(s, cells.flow))


# ------------------------------------------------------------------------------------------------
# The peer.

class Peer:
    def __init__(self, work, workers=None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, NODE_ENV="production", PEER_PORT=str(self.port), PEER_CLIENT_SECRET=CLIENT_SECRET,
                   PEER_USER=USER, PEER_USER_PASSWORD=USER_PASSWORD, PEER_REDIRECT_URI=REDIRECT_URI,
                   PEER_WORKERS=str(workers or NPROC))
        self.server = Server("peer", ["node", "server.js"], env, self.base, os.path.join(work, "peer.log"),
                             cwd=os.path.join(BENCH, "peer"))

    def flow(self):
        return flows.peer_code_flow(self.base, "bench-rs", CLIENT_SECRET, USER, USER_PASSWORD, REDIRECT_URI)


def peer_scenarios(b, peer, names):
    s, base = peer.server, peer.base
    client_auth = {cid: basic(cid, CLIENT_SECRET) for cid in CLIENTS}

    def refresh_tokens(_phase):
        path = os.path.join(b.work, f"peer-refresh-{_phase}-{time.monotonic_ns()}.txt")
        toks = many(lambda: peer.flow()["refresh_token"], b.conns + 2)
        with open(path, "w") as f:
            f.write("\n".join(toks) + "\n")
        return {"BENCH_TOKENS_FILE": path}

    for name in names:
        if name == "healthz":
            b.record(name, "peer", b.measure_wrk(s, base + "/healthz", "get.lua", {"BENCH_EXPECT": '"ok"'}))
        elif name == "discovery":
            b.record(name, "peer", b.measure_wrk(s, base + "/.well-known/openid-configuration", "get.lua",
                                                 {"BENCH_EXPECT": "jwks_uri"}))
        elif name == "jwks":
            b.record(name, "peer", b.measure_wrk(s, base + "/jwks", "get.lua", {"BENCH_EXPECT": '"keys"'}))
        elif name in ("token_rs256", "token_es256"):
            cid = "bench-rs" if name == "token_rs256" else "bench-es"
            b.record(name, "peer", b.measure_wrk(s, base + "/token", "post_form.lua", {
                "BENCH_AUTH": client_auth[cid], "BENCH_BODY": "grant_type=client_credentials",
                "BENCH_EXPECT": "access_token"}))
        elif name == "refresh":
            b.record(name, "peer", b.measure_wrk(s, base + "/token", "refresh_chain.lua", {
                "BENCH_AUTH": client_auth["bench-rs"], "BENCH_EXPECT": "access_token"}, prepare=refresh_tokens))
        elif name == "introspect":
            try:
                tok = peer.flow()["refresh_token"]
            except Exception as e:  # noqa: BLE001
                b.record(name, "peer", {"ok": False, "error": str(e)})
                continue
            b.record(name, "peer", b.measure_wrk(s, base + "/token/introspection", "post_form.lua", {
                "BENCH_AUTH": client_auth["bench-rs"], "BENCH_BODY": "token=" + tok, "BENCH_EXPECT": '"active":true'}))
        elif name == "code_flow":
            b.record(name, "peer", b.measure_flows(s, peer.flow))


def peer_rounds(b, cells, peer):
    """Both servers up, each target scenario measured on cells then on the peer, round after round:
    a slow spell of the machine (other tenants, frequency) then hits both sides of a ratio."""
    for i in range(1 if b.smoke else PEER_ROUNDS):
        saved, b.results = b.results, {}
        for sc in PEER_ROUND:
            cells_scenarios(b, cells, [sc])
            peer_scenarios(b, peer, [sc])
        b.peer_rounds.append(b.results)
        b.results = saved


# ------------------------------------------------------------------------------------------------
# nginx, openssl, machine.

def nginx_download(b, blob):
    root = os.path.join(b.work, "nginx")
    os.makedirs(os.path.join(root, "logs"), exist_ok=True)
    os.makedirs(os.path.join(root, "html"), exist_ok=True)
    target = os.path.join(root, "html", "big.bin")
    if not os.path.exists(target):
        shutil.copyfile(blob, target)
    port = free_port()
    conf = os.path.join(root, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""user root;
worker_processes auto;
pid {root}/nginx.pid;
error_log {root}/logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  sendfile on;
  sendfile_max_chunk 256k;
  tcp_nopush on;
  keepalive_requests 100000;
  client_body_temp_path {root}/tmp;
  proxy_temp_path {root}/tmp; fastcgi_temp_path {root}/tmp; uwsgi_temp_path {root}/tmp; scgi_temp_path {root}/tmp;
  server {{
    listen 127.0.0.1:{port};
    root {root}/html;
    location = /healthz {{ return 200 '{{"status":"ok"}}'; }}
  }}
}}
""")
    os.makedirs(os.path.join(root, "tmp"), exist_ok=True)
    srv = Server("nginx", ["nginx", "-p", root, "-c", conf, "-g", "daemon off;"], dict(os.environ),
                 f"http://127.0.0.1:{port}", os.path.join(b.work, "nginx.log"))
    try:
        srv.start()
        b.record("download", "nginx", b.measure_wrk(srv, srv.base + "/big.bin", "download.lua", {}, conns=4))
    except Exception as e:  # noqa: BLE001
        b.record("download", "nginx", {"ok": False, "error": str(e)})
    finally:
        srv.stop()


def openssl_speed(seconds):
    out = sh("openssl", "speed", "-multi", str(NPROC), "-seconds", str(seconds), "rsa2048", "ecdsap256", "ed25519",
             timeout=600)
    rates = {}
    for line in out.splitlines():
        nums = re.findall(r"[\d.]+", line)
        if line.startswith("rsa 2048 bits") and len(nums) >= 4:
            rates["rsa2048"] = {"sign_per_s": float(nums[-2]), "verify_per_s": float(nums[-1])}
        elif "ecdsa (nistp256)" in line and len(nums) >= 4:
            rates["p256"] = {"sign_per_s": float(nums[-2]), "verify_per_s": float(nums[-1])}
        elif "EdDSA (Ed25519)" in line and len(nums) >= 4:
            rates["ed25519"] = {"sign_per_s": float(nums[-2]), "verify_per_s": float(nums[-1])}
    return rates


def binary_info(path):
    """The cells binary and its CMake build type (from the CMakeCache.txt next to it)."""
    build_type = "?"
    try:
        with open(os.path.join(os.path.dirname(os.path.abspath(path)), "CMakeCache.txt")) as f:
            for line in f:
                if line.startswith("CMAKE_BUILD_TYPE:"):
                    build_type = line.split("=", 1)[1].strip() or "(none)"
    except OSError:
        pass
    return {"path": path, "build_type": build_type}


def machine():
    model = ""
    for line in sh("lscpu").splitlines():
        if line.startswith("Model name:"):
            model = line.split(":", 1)[1].strip()
    mem = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1])
    try:
        with open(os.path.join(BENCH, "peer/node_modules/oidc-provider/package.json")) as f:
            oidc_version = json.load(f)["version"]
    except OSError:
        oidc_version = "?"
    commit = sh("git", "-C", ROOT, "rev-parse", "--short", "HEAD")
    if sh("git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no", "--", "src", "CMakeLists.txt"):
        commit += " (with uncommitted changes in src/)"
    nginx = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip()
    return {"cpu": model, "cores": NPROC, "ram_gib": round(mem / 1024 / 1024, 1), "kernel": platform.release(),
            "os": sh("sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"),
            "cells_commit": commit, "node": sh("node", "--version"), "oidc_provider": oidc_version,
            "wrk": sh("sh", "-c", "wrk --version 2>&1 | head -1").split(" [")[0],
            "openssl": sh("openssl", "version"), "nginx": nginx.replace("nginx version: ", "")}


# ------------------------------------------------------------------------------------------------
# Targets and the report.

def median_ratio(pairs, key):
    """Median of a[key] / b[key] over the (a, b) pairs of runs where both ran cleanly, or None."""
    ratios = [a[key] / b[key] for a, b in pairs
              if a and b and a.get("ok") and b.get("ok") and a.get(key) and b.get(key)]
    return statistics.median(ratios) if ratios else None


def targets(b, ceiling, cells_info):
    R = b.results
    get = lambda sc, srv, k="rps": (R.get(sc, {}).get(srv) or {}).get(k)  # noqa: E731
    out = []

    def add(name, value, limit, ok, unit=""):
        status = "n/a" if value is None else ("PASS" if ok(value) else "FAIL")
        out.append({"target": name, "measured": value, "limit": limit, "unit": unit, "status": status})

    def peer_ratio(name, sc, limit):
        ratio = median_ratio([(r.get(sc, {}).get("cells"), r.get(sc, {}).get("peer")) for r in b.peer_rounds], "rps")
        if ratio is not None:
            add(f"{name}, median of {len(b.peer_rounds)} interleaved rounds", ratio, f"≥ {limit}", lambda x: x >= limit)
            return
        a, p = get(sc, "cells"), get(sc, "peer")
        add(name, a / p if a and p else None, f"≥ {limit}", lambda x: x >= limit)

    rsa = (ceiling.get("rsa2048") or {}).get("sign_per_s")
    v = get("token_rs256", "cells")
    add("RS256 token issuance / openssl RSA-2048 sign rate (all cores)", v / rsa if v and rsa else None, "≥ 0.80",
        lambda x: x >= 0.8)
    peer_ratio("ES256 token issuance, cells / peer", "token_es256", 5)
    h = get("healthz", "cells", "cpu_us_per_req")
    for sc, label in (("rest_jwt", "JWT, tree/list"), ("rest_pat", "PAT, tree/list")):
        c = get(sc, "cells", "cpu_us_per_req")
        add(f"Bearer REST call ({label}): CPU per request / GET /healthz − 1", c / h - 1 if c and h else None,
            "≤ 0.15", lambda x: x <= 0.15)
    for sc, label in (("me_jwt", "JWT, user/me"), ("me_pat", "PAT, user/me")):
        ratio = median_ratio([(r.get(sc), r.get("healthz")) for r in b.rounds], "cpu_us_per_req")
        if ratio is not None:
            add(f"Bearer REST call ({label}): CPU per request / GET /healthz just before − 1, median of "
                f"{len(b.rounds)} rounds", ratio - 1, "≤ 0.15", lambda x: x <= 0.15)
        elif (c := get(sc, "cells", "cpu_us_per_req")) is not None:
            add(f"Bearer REST call ({label}): CPU per request / GET /healthz − 1", c / h - 1 if h else None,
                "≤ 0.15", lambda x: x <= 0.15)
    for sc in ("introspect", "discovery", "jwks"):
        peer_ratio(f"{sc}: cells / peer requests/s", sc, 3)
    add("idle RSS (MB)", cells_info.get("idle_rss_mb"), "< 20", lambda x: x < 20)
    peaks = [r["cells"]["peak_rss_mb"] for r in R.values() if r.get("cells", {}).get("peak_rss_mb")]
    peaks += [r["peak_rss_mb"] for lvl in b.scale.values() for r in lvl.values()
              if isinstance(r, dict) and r.get("peak_rss_mb")]
    add("peak RSS under load (MB)", max(peaks) if peaks else None, "< 64", lambda x: x < 64)
    add("start-up to first answered /healthz, existing data (ms)", cells_info.get("startup_ms"), "< 100",
        lambda x: x < 100)
    levels = sorted(b.scale)
    if len(levels) >= 2:
        lo, hi = b.scale[levels[0]], b.scale[levels[-1]]
        for sc in SCALE_SCENARIOS:
            x, y = lo.get(sc, {}).get("p99_ms"), hi.get(sc, {}).get("p99_ms")
            add(f"{sc}: p99 at {levels[-1]:,} stored / at {levels[0]:,}", y / x if x and y else None, "≤ 1.20",
                lambda z: z <= 1.2)
    else:
        add("p99 at 1M stored tokens / at 1k", None, "≤ 1.20", lambda z: z <= 1.2)
    a, n = get("download", "cells", "bytes_per_s"), get("download", "nginx", "bytes_per_s")
    add("WebDAV download / nginx, bytes/s", a / n if a and n else None, "≥ 0.80", lambda x: x >= 0.8)
    return out


def fmt(x, nd=1):
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:,.{nd}f}"
    return f"{x:,}" if isinstance(x, int) else str(x)


def rounds_head(title, text, columns):
    """The title, explanation and table header of a rounds section (first column: the round)."""
    return ["", f"## {title}", "", text, "", "| round | " + " | ".join(columns) + " |",
            "|---:|" + "".join("---|" if c == "scenario" else "---:|" for c in columns)]


def report_md(data):
    m = data["machine"]
    L = [f"# Benchmark results {data['date']}{' (smoke)' if data['smoke'] else ''}", "",
         f"Command: `{data['command']}`. Measured {data['duration_s']} s per scenario after a "
         f"{data['warmup_s']} s warm-up; wrk with {data['threads']} threads and {data['conns']} connections "
         "(downloads: 4; code flow: 4 Python browsers). Client and servers share the machine.", "",
         "## Machine", "",
         f"- CPU: {m['cpu']}, {m['cores']} cores; RAM {m['ram_gib']} GiB; kernel {m['kernel']}; {m['os']}",
         f"- cells binary `{data['cells_binary']['path']}`, build type {data['cells_binary']['build_type']}",
         f"- cells {m['cells_commit']}; node {m['node']}; oidc-provider {m['oidc_provider']}; {m['wrk']}; "
         f"{m['openssl']}; nginx {m['nginx']}", ""]
    c = data["ceiling"]
    L += ["## Machine ceiling (`openssl speed -multi %d`)" % m["cores"], "", "| algorithm | sign/s | verify/s |",
          "|---|---:|---:|"]
    for k, v in c.items():
        L.append(f"| {k} | {fmt(v['sign_per_s'])} | {fmt(v['verify_per_s'])} |")
    ci = data["cells"]
    L += ["", "## cells process", "",
          f"- start-up to first answered `/healthz`: fresh data folder {fmt(ci.get('startup_fresh_ms'))} ms, "
          f"existing data {fmt(ci.get('startup_ms'))} ms",
          f"- idle RSS after start: {fmt(ci.get('idle_rss_mb'))} MB", ""]
    L += ["## Scenarios", "",
          "Requests/s (flows/s for `code_flow`, MB/s for `download`), latency percentiles, server CPU seconds "
          "over the measured run and per request, peak RSS of the server (all processes). ratio = cells / other.",
          "", "| scenario | server | req/s | p50 ms | p99 ms | CPU s | CPU µs/req | peak RSS MB | bad | ratio |",
          "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for sc, runs in data["scenarios"].items():
        cells_rate = (runs.get("cells") or {}).get("bytes_per_s" if sc == "download" else "rps")
        for srv, r in runs.items():
            if not r.get("ok") and r.get("rps") is None:
                L.append(f"| {sc} | {srv} | FAILED: {r.get('error', '')[:80]} | | | | | | | |")
                continue
            rate = r["bytes_per_s"] / 1e6 if sc == "download" else r["rps"]
            other = r.get("bytes_per_s" if sc == "download" else "rps")
            ratio = f"{cells_rate / other:.3g}" if srv != "cells" and cells_rate and other else ""
            bad = r.get("non_2xx", 0) + sum((r.get("socket_errors") or {}).get(k, 0)
                                            for k in ("connect", "read", "write", "timeout"))
            L.append(f"| {sc} | {srv} | {fmt(rate)} | {fmt(r['p50_ms'], 2)} | {fmt(r['p99_ms'], 2)} | "
                     f"{fmt(r['cpu_s'], 2)} | {fmt(r['cpu_us_per_req'], 0)} | {fmt(r['peak_rss_mb'])} | "
                     f"{bad}{'' if r.get('ok') else ' FAILED'} | {ratio} |")
    if data["scale"]:
        L += ["", "## Scale (cells)", "", "Stored rows: users, refresh tokens and PATs, each about N.", "",
              "| N | start-up ms | scenario | req/s | p50 ms | p99 ms | bad |", "|---:|---:|---|---:|---:|---:|---:|"]
        for lvl, runs in data["scale"].items():
            for sc, r in runs.items():
                if sc == "_startup_ms":
                    continue
                L.append(f"| {int(lvl):,} | {fmt(runs.get('_startup_ms'))} | {sc} | {fmt(r.get('rps'))} | "
                         f"{fmt(r.get('p50_ms'), 2)} | {fmt(r.get('p99_ms'), 2)} | "
                         f"{r.get('non_2xx', '')}{'' if r.get('ok') else ' FAILED'} |")
    if data.get("bearer_rounds"):
        L += rounds_head("Bearer rounds (cells)",
                         "Each round measures `/healthz`, then `/a/user/me` with the PAT, then with the JWT, back to "
                         "back (same wrk settings as above); the Bearer target is the median of the per-round ratios.",
                         ["healthz µs/req", "me_pat µs/req", "me_jwt µs/req", "me_pat / healthz − 1",
                          "me_jwt / healthz − 1"])
        for i, r in enumerate(data["bearer_rounds"], 1):
            cpu = {sc: (r.get(sc) or {}).get("cpu_us_per_req") for sc in BEARER_ROUND}
            extra = {sc: cpu[sc] / cpu["healthz"] - 1 if cpu[sc] and cpu["healthz"] else None for sc in BEARER_ROUND}
            L.append(f"| {i} | {fmt(cpu['healthz'])} | {fmt(cpu['me_pat'])} | {fmt(cpu['me_jwt'])} | "
                     f"{fmt(extra['me_pat'], 3)} | {fmt(extra['me_jwt'], 3)} |")
    if data.get("peer_rounds"):
        L += rounds_head("cells / peer rounds",
                         "Both servers running; in each round every scenario is measured on cells, then on the peer. "
                         "The cells / peer targets are the medians of these per-round ratios.",
                         ["scenario", "cells req/s", "peer req/s", "cells CPU µs/req", "peer CPU µs/req", "ratio"])
        for i, r in enumerate(data["peer_rounds"], 1):
            for sc, runs in r.items():
                c, p = runs.get("cells") or {}, runs.get("peer") or {}
                ratio = c["rps"] / p["rps"] if c.get("rps") and p.get("rps") else None
                L.append(f"| {i} | {sc} | {fmt(c.get('rps'))} | {fmt(p.get('rps'))} | {fmt(c.get('cpu_us_per_req'))} | "
                         f"{fmt(p.get('cpu_us_per_req'))} | {fmt(ratio, 2)} |")
    L += ["", "## Targets", "", "| target | measured | limit | status |", "|---|---:|---:|---|"]
    for t in data["targets"]:
        v = t["measured"]
        L.append(f"| {t['target']} | {'–' if v is None else f'{v:.3g}'} | {t['limit']} | {t['status']} |")
    if data["failures"]:
        L += ["", "## Failed runs", ""] + [f"- {f}" for f in data["failures"]]
    return "\n".join(L) + "\n"


# ------------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--smoke", action="store_true", help="a few seconds per scenario, 1k rows only, temp output")
    ap.add_argument("--duration", type=int, help="measured seconds per scenario (default 10, smoke 1)")
    ap.add_argument("--scenarios", default=",".join(ALL_SCENARIOS), help="comma-separated: " + ",".join(ALL_SCENARIOS))
    ap.add_argument("--cells-bin", default=os.environ.get("CELLS_BIN") or os.path.join(ROOT, "build-release/cells"))
    ap.add_argument("--out", help="results folder (default bench/results, smoke: a temporary folder)")
    ap.add_argument("--scale", default=None, help="comma-separated row counts (default 1000,100000,1000000; smoke 1000)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    args = ap.parse_args()
    args.duration = args.duration or (1 if args.smoke else 10)
    names = [s for s in args.scenarios.split(",") if s]
    unknown = set(names) - set(ALL_SCENARIOS)
    if unknown:
        ap.error(f"unknown scenarios {sorted(unknown)}")
    levels = [int(x) for x in (args.scale or ("1000" if args.smoke else "1000,100000,1000000")).split(",")]
    work = tempfile.mkdtemp(prefix="cells-bench-")
    out_dir = args.out or (os.path.join(work, "results") if args.smoke else os.path.join(BENCH, "results"))
    os.makedirs(out_dir, exist_ok=True)
    b = Bench(args, work)
    date = datetime.date.today().isoformat()
    log(f"work folder {work}; cells {args.cells_bin}; {args.duration} s per scenario")

    ceiling = openssl_speed(1 if args.smoke else 3)
    log(f"openssl ceiling {ceiling}")
    cells_info = {}
    cells = Cells(b, args.cells_bin, work)
    peer = None
    try:
        cells_info["startup_fresh_ms"] = cells.start() * 1000
        cells.setup()
        blob = None
        if "download" in names or "propfind" in names:
            blob = cells.upload("big.bin", 16 if args.smoke else 100)
            requests.put(cells.base + "/dav/personal-files/small.txt", data=b"hello", auth=(USER, USER_PASSWORD))
        cells.stop()
        cells_info["startup_ms"] = cells.start() * 1000
        time.sleep(1)
        cells_info["idle_rss_mb"] = status_kb(cells.server.pids(), "VmRSS") / 1024
        log(f"cells start-up fresh {cells_info['startup_fresh_ms']:.1f} ms, existing {cells_info['startup_ms']:.1f} ms, "
            f"idle RSS {cells_info['idle_rss_mb']:.1f} MB")

        log("cells scenarios")
        cells_scenarios(b, cells, [n for n in names if n != "scale"])
        if "download" in names and blob:
            nginx_download(b, blob)

        if "scale" in names:
            for lvl in levels:
                cells.stop()
                t = time.time()
                counts = cells.seed(lvl, lvl, lvl)
                log(f"seeded {counts} in {time.time() - t:.1f} s")
                os.sync()  # the seeded rows reach the disk now, not during the measured runs
                startup = cells.start() * 1000
                b.scale[lvl] = {}
                saved = b.results
                b.results = {}
                cells_scenarios(b, cells, SCALE_SCENARIOS)
                b.scale[lvl] = {sc: r["cells"] for sc, r in b.results.items()}
                b.scale[lvl]["_startup_ms"] = startup
                b.results = saved
        cells.stop()

        peer_names = [n for n in names if n in ("healthz", "discovery", "jwks", "token_rs256", "token_es256", "refresh",
                                                "introspect", "code_flow")]
        if peer_names or "peer_rounds" in names:
            peer = Peer(work)
            peer.server.start(timeout=120)
            log(f"peer started ({NPROC} workers) in {peer.server.startup_s * 1000:.0f} ms")
            peer_scenarios(b, peer, peer_names)
            if "peer_rounds" in names:
                log("cells and peer, interleaved rounds")
                cells.start()
                peer_rounds(b, cells, peer)
                cells.stop()
            peer.server.stop()
    except Exception:  # noqa: BLE001
        traceback.print_exc()
        print(cells.server.logs()[-3000:], file=sys.stderr)
        cells.stop()
        if peer:
            peer.server.stop()
        return 2

    data = {"date": date, "smoke": args.smoke, "command": " ".join(["bench/run.py"] + sys.argv[1:]),
            "duration_s": args.duration, "warmup_s": b.warmup, "threads": b.threads, "conns": b.conns,
            "machine": machine(), "cells_binary": binary_info(args.cells_bin), "ceiling": ceiling, "cells": cells_info, "scenarios": b.results,
            "scale": {str(k): v for k, v in b.scale.items()}, "bearer_rounds": b.rounds, "peer_rounds": b.peer_rounds, "failures": b.failures}
    data["targets"] = targets(b, ceiling, cells_info)
    with open(os.path.join(out_dir, f"{date}.json"), "w") as f:
        json.dump(data, f, indent=1)
    md = report_md(data)
    with open(os.path.join(out_dir, f"{date}.md"), "w") as f:
        f.write(md)
    print(md)
    log(f"wrote {out_dir}/{date}.md and .json")
    if not args.keep:
        shutil.rmtree(os.path.join(work, "cells-data"), ignore_errors=True)
        shutil.rmtree(os.path.join(work, "nginx"), ignore_errors=True)
        for fn in ("big.bin",):
            try:
                os.remove(os.path.join(work, fn))
            except OSError:
                pass
    if b.failures:
        log("FAILED runs: " + "; ".join(b.failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
