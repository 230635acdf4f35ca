"""``make cluster``: a rehearsal of Civic on several machines, on this one, with the real parts.

    HAProxy (:8100, health checks on /readyz, X-Request-ID) ─┬─ gunicorn node A (:8101, own cwd)
                                                            └─ gunicorn node B (:8102, own cwd)
    nodes → PgBouncer (transaction mode) → PostgreSQL primary     (writes)
          → PostgreSQL streaming replica (pg_basebackup -R)       (reads of safe requests)
          → Redis (cache, broker) → Celery worker "mail", worker "default,bulk", one beat
          → moto's S3 server (media)

Then, through the balancer: members sign up; one uploads an avatar on node A and it is read
through node B; members join missions and pledge while node A is killed and restarted (a client
that retries idempotent GETs, and re-sends a join, which is idempotent, only when no response
came back, sees 0 failures; a pledge is never re-sent; every acknowledged write is in the
database); throughput of a page with two nodes and with one.

    .venv/bin/python bench/cluster.py [--members 20] [--seconds 8]

Needs haproxy and pgbouncer from Debian (bin/system-deps --cluster installs pgbouncer; haproxy:
apt-get install haproxy). Everything lives under var/cluster-* and a temporary folder, and is
stopped at the end.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = sys.executable
LB, NODE_A, NODE_B, S3_PORT = 8100, 8101, 8102, 8109
INSTANCE = "cluster"


# --- Parts --------------------------------------------------------------------------------------
class Cluster:
    def __init__(self, members: int):
        self.members = members
        self.tmp = Path(tempfile.mkdtemp(prefix="civic-cluster-"))
        os.chmod(self.tmp, 0o755)  # the PostgreSQL system user reaches the replica and PgBouncer
        self.procs: dict[str, subprocess.Popen] = {}
        self.env: dict[str, str] = {}

    def log(self, name: str):
        return open(self.tmp / f"{name}.log", "ab")  # noqa: SIM115 - owned by the child

    def start(self) -> None:
        from civic import embedded

        os.environ["CIVIC_INSTANCE"] = INSTANCE
        embedded.wipe(INSTANCE)
        primary = embedded.postgres_url(INSTANCE)  # held by this process until it exits
        redis_url = embedded.redis_url(INSTANCE)
        direct = {
            **os.environ,
            "DATABASE_URL": primary,
            "REDIS_URL": redis_url,
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "cluster-rehearsal-" + "x" * 40,
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "ACCOUNT_EMAIL_VERIFICATION": "none",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        }
        step("migrate, demo content, static files")
        for command in (
            ["migrate", "--noinput", "-v0"],
            ["seed_demo"],
            ["collectstatic", "--noinput", "-v0"],
        ):
            subprocess.run(
                [PY, "manage.py", *command], cwd=ROOT, env=direct, check=True, stdout=subprocess.DEVNULL
            )

        step("streaming replica (pg_basebackup -R)")
        replica = embedded.start_replica(INSTANCE, self.tmp / "replica")
        step("PgBouncer, transaction mode")
        pgb = embedded.start_pgbouncer(embedded.VAR_DIR / f"{INSTANCE}-postgres", self.tmp / "pgbouncer")
        step("S3 (moto server)")
        self.start_s3()

        self.env = {
            **direct,
            "DATABASE_URL": f"postgresql://postgres:@/civic?host={pgb}&port=6432",
            "DATABASE_POOLER": "pgbouncer",
            "DATABASE_REPLICA_URL": replica,
            "DATABASE_DIRECT_URL": primary,
            "AWS_STORAGE_BUCKET_NAME": "civic-media",
            "S3_ENDPOINT_URL": f"http://127.0.0.1:{S3_PORT}",
            "AWS_ACCESS_KEY_ID": "cluster",
            "AWS_SECRET_ACCESS_KEY": "cluster-secret",
            "AWS_S3_REGION_NAME": "us-east-1",
            "LOG_FORMAT": "json",
            "TRUSTED_PROXY_COUNT": "1",
        }
        step("two gunicorn nodes, two Celery workers, one beat")
        for name, port in (("node-a", NODE_A), ("node-b", NODE_B)):
            self.start_node(name, port)
        celery = [PY, "-m", "celery", "-A", "civic"]
        self.spawn("worker-mail", [*celery, "worker", "-Q", "mail", "-n", "mail@%h", "-c", "1", "-l", "INFO"])
        self.spawn(
            "worker-main", [*celery, "worker", "-Q", "default,bulk", "-n", "main@%h", "-c", "1", "-l", "INFO"]
        )
        self.spawn("beat", [*celery, "beat", "--pidfile=", "-l", "INFO"])
        step("HAProxy")
        self.start_haproxy()
        wait_until(lambda: status(LB, "/readyz") == 200, 60, "the balancer never became ready")

    def start_s3(self) -> None:
        import boto3
        from moto.server import ThreadedMotoServer

        self.s3 = ThreadedMotoServer(ip_address="127.0.0.1", port=S3_PORT, verbose=False)
        self.s3.start()
        client = boto3.client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{S3_PORT}",
            region_name="us-east-1",
            aws_access_key_id="cluster",
            aws_secret_access_key="cluster-secret",
        )
        client.create_bucket(Bucket="civic-media")
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::civic-media/media/*",
                }
            ],
        }
        client.put_bucket_policy(Bucket="civic-media", Policy=json.dumps(policy))

    def spawn(self, name: str, argv: list[str], env: dict | None = None, cwd: Path = ROOT) -> None:
        self.procs[name] = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env or self.env,
            stdout=self.log(name),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # killed as a group: a node's master and its workers
        )

    def start_node(self, name: str, port: int) -> None:
        home = self.tmp / name  # its own working directory, media folder and metrics files
        (home / "metrics").mkdir(parents=True, exist_ok=True)
        env = {
            **self.env,
            "MEDIA_ROOT": str(home / "media"),
            "PROMETHEUS_MULTIPROC_DIR": str(home / "metrics"),
        }
        argv = [PY, "-m", "gunicorn", "civic.wsgi:application", "--bind", f"127.0.0.1:{port}"]
        self.spawn(
            name, [*argv, "--workers", "2", "--chdir", str(home), "--pythonpath", str(ROOT)], env, home
        )
        wait_until(lambda: status(port, "/healthz") == 200, 60, f"{name} did not start")

    def kill_node(self, name: str) -> None:
        os.killpg(self.procs[name].pid, signal.SIGKILL)
        self.procs[name].wait()

    def start_haproxy(self) -> None:
        haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
        cfg = self.tmp / "haproxy.cfg"
        cfg.write_text(
            f"""global
    maxconn 2000
defaults
    mode http
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    timeout check 3s
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response 502 503
    option forwardfor
frontend web
    bind 127.0.0.1:{LB}
    unique-id-format %[uuid()]
    http-request set-header X-Request-ID %[unique-id]
    default_backend nodes
backend nodes
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    default-server inter 500ms fall 2 rise 2
    server a 127.0.0.1:{NODE_A} check
    server b 127.0.0.1:{NODE_B} check
"""
        )
        self.spawn("haproxy", [haproxy, "-db", "-f", str(cfg)])

    def stop(self) -> None:
        from civic import embedded

        for proc in self.procs.values():
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for proc in self.procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        if getattr(self, "s3", None):
            self.s3.stop()
        embedded.stop_pgbouncer(self.tmp / "pgbouncer")
        embedded.stop_replica(self.tmp / "replica")
        embedded.stop_redis(INSTANCE)


# --- A browser-like client ------------------------------------------------------------------------
class Browser:
    """Cookies by hand (the site marks them Secure; this rehearsal speaks plain HTTP to HAProxy)."""

    def __init__(self, port: int = LB):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None, port=None
    ):
        conn = http.client.HTTPConnection("127.0.0.1", port or self.port, timeout=30)
        headers = {**(headers or {}), "Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        conn.close()
        return response.status, response.headers, data

    def get(self, path: str, retries: int = 5, port=None):
        """An idempotent GET: retried on a connection error or a 502/503, like any sensible client."""
        for attempt in range(retries + 1):
            try:
                result = self.request("GET", path, port=port)
                if result[0] not in (502, 503) or attempt == retries:
                    return result
            except OSError:
                if attempt == retries:
                    raise
            time.sleep(0.3)
        raise AssertionError("unreachable")

    def csrf(self, path: str, port=None) -> str:
        code, _, body = self.get(path, port=port)
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if not found:
            raise SystemExit(f"GET {path} answered {code} without a form: {body[:200]!r}")
        return found.group(1).decode()

    def post(self, path: str, fields: dict, port=None, files: dict | None = None):
        token = self.csrf(path, port=port)
        fields = {**fields, "csrfmiddlewaretoken": token}
        if files:
            boundary = "civicclusterboundary"
            out = io.BytesIO()
            for key, value in fields.items():
                out.write(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
                )
            for key, (filename, content, ctype) in files.items():
                out.write(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; filename="{filename}"\r\n'
                    f"Content-Type: {ctype}\r\n\r\n".encode()
                )
                out.write(content + b"\r\n")
            out.write(f"--{boundary}--\r\n".encode())
            body, ctype = out.getvalue(), f"multipart/form-data; boundary={boundary}"
        else:
            body, ctype = (
                urllib.parse.urlencode(fields, doseq=True).encode(),
                "application/x-www-form-urlencoded",
            )
        referer = f"http://127.0.0.1:{port or self.port}{path}"
        return self.request("POST", path, body, {"Content-Type": ctype, "Referer": referer}, port=port)


# --- The scripted run -----------------------------------------------------------------------------
def step(text: str) -> None:
    print(f"· {text}", flush=True)


def status(port: int, path: str) -> int:
    try:
        return Browser(port).request("GET", path)[0]
    except OSError:
        return 0


def wait_until(check, seconds: float, message: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise SystemExit(message)


def sql(query: str):
    import psycopg

    from civic import embedded

    with psycopg.connect(embedded.postgres_url(INSTANCE), autocommit=True) as conn:
        return conn.execute(query).fetchall()


def sign_up(count: int) -> list[Browser]:
    members = []
    for i in range(count):
        browser = Browser()
        email = f"member{i}@cluster.example.org"
        code, headers, _ = browser.post(
            "/fr/accounts/signup/",
            {"email": email, "password1": "Cluster-pass-2026", "password2": "Cluster-pass-2026"},
        )
        if code != 302:
            raise SystemExit(f"sign-up {email} answered {code}")
        members.append(browser)
    return members


def photo_across_nodes(cluster: Cluster, member: Browser) -> dict:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 140, 60)).save(out, format="JPEG")
    code, _, body = member.post(
        "/fr/me/profile/",
        {"display_name": "Node A uploader", "language": "fr"},
        port=NODE_A,
        files={"avatar_upload": ("avatar.jpg", out.getvalue(), "image/jpeg")},
    )
    if code != 302:
        raise SystemExit(f"avatar upload on node A answered {code}: {body[:300]!r}")
    member_id = sql("SELECT id FROM accounts_user WHERE display_name = 'Node A uploader'")[0][0]
    time.sleep(REPLICA_PIN_SECONDS_WAIT)  # let the pin expire: node B reads the replica
    _, _, page = Browser(NODE_B).get(f"/fr/me/members/{member_id}/", port=NODE_B)
    src = re.search(rb'class="avatar avatar-large" src="([^"]+)"', page).group(1).decode()
    parsed = urllib.parse.urlsplit(src)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
    conn.request("GET", parsed.path)
    fetched = conn.getresponse()
    size = len(fetched.read())
    local_files = [p for p in cluster.tmp.glob("node-*/media/**/*") if p.is_file()]
    return {
        "avatar_url": src,
        "status_from_s3": fetched.status,
        "bytes": size,
        "files_on_nodes": len(local_files),
    }


REPLICA_PIN_SECONDS_WAIT = 11


def joins_while_a_node_dies(cluster: Cluster, members: list[Browser]) -> dict:
    slots = [
        row[0]
        for row in sql(
            "SELECT s.id FROM volunteering_slot s JOIN volunteering_mission m ON m.id = s.mission_id "
            "WHERE m.status = 'published' AND s.starts_at > now() + interval '1 day' ORDER BY s.id LIMIT 3"
        )
    ]
    campaign = sql(
        "SELECT id FROM crowdfunding_campaign WHERE status = 'open' AND deadline > now() + interval '1 day' "
        "ORDER BY id LIMIT 1"
    )[0][0]
    # Pledging needs a confirmed email: as if each member had clicked the link they were sent.
    sql(
        "UPDATE account_emailaddress SET verified = true WHERE email LIKE 'member%@cluster.example.org' RETURNING id"
    )
    pledges = {"acknowledged": 0, "no_answer": 0, "refused": 0}
    acknowledged: set[tuple[int, int]] = set()
    failures = {"get": 0, "post": 0}
    retried = {"post": 0}
    gets = {"count": 0}
    stop = threading.Event()

    def reader():
        browser = Browser()
        while not stop.is_set():
            try:
                code = browser.get("/fr/missions/")[0]
            except OSError:
                code = 0
            gets["count"] += 1
            if code != 200:
                failures["get"] += 1

    def joiner(index: int, member: Browser):
        for slot in slots:
            for _attempt in range(5):
                try:
                    code, headers, _ = member.post(f"/fr/missions/slots/{slot}/join/", {"share_contact": ""})
                except OSError:
                    code = 0
                if code == 302:
                    acknowledged.add((index, slot))
                    break
                if code in (
                    0,
                    502,
                    503,
                ):  # no answer: the join may or may not have happened; it is idempotent
                    retried["post"] += 1
                    time.sleep(0.3)
                    continue
                failures["post"] += 1
                break
            else:
                failures["post"] += 1
        # A pledge is not idempotent: never re-sent without an answer, counted as "no answer".
        try:
            code = member.post(
                f"/fr/projects/campaigns/{campaign}/pledge/",
                {"amount": "10", "reward": "", "message": "", "gateway": "offline"},
            )[0]
        except OSError:
            code = 0
        key = "acknowledged" if code == 302 else "no_answer" if code in (0, 502, 503) else "refused"
        pledges[key] += 1

    readers = [threading.Thread(target=reader) for _ in range(2)]
    joiners = [threading.Thread(target=joiner, args=(i, m)) for i, m in enumerate(members)]
    for t in readers + joiners:
        t.start()
    time.sleep(1.0)
    step("kill -9 node A mid-run")
    cluster.kill_node("node-a")
    time.sleep(3.0)
    step("restart node A")
    cluster.start_node("node-a", NODE_A)
    for t in joiners:
        t.join()
    stop.set()
    for t in readers:
        t.join()
    emails = {i: f"member{i}@cluster.example.org" for i in range(len(members))}
    rows = set()
    for email, slot in sql(
        "SELECT u.email, p.slot_id FROM volunteering_participation p JOIN accounts_user u ON u.id = p.member_id "
        "WHERE u.email LIKE 'member%@cluster.example.org'"
    ):
        index = next(i for i, e in emails.items() if e == email)
        rows.add((index, slot))
    pledged = sql(
        "SELECT count(*) FROM crowdfunding_pledge p JOIN accounts_user u ON u.id = p.backer_id "
        f"WHERE u.email LIKE 'member%@cluster.example.org' AND p.campaign_id = {campaign}"
    )[0][0]
    return {
        "pledges_acknowledged": pledges["acknowledged"],
        "pledges_in_database": pledged,
        "pledges_without_answer": pledges["no_answer"],
        "pledges_refused": pledges["refused"],
        "slots": len(slots),
        "joins_acknowledged": len(acknowledged),
        "joins_in_database": len(rows),
        "acknowledged_but_lost": len(acknowledged - rows),
        "failed_posts": failures["post"],
        "posts_retried_after_no_answer": retried["post"],
        "gets": gets["count"],
        "failed_gets_after_retries": failures["get"],
    }


def throughput(seconds: float, threads: int = 8, path: str = "/fr/missions/") -> float:
    done = {"n": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def run():
        browser = Browser()
        while time.monotonic() < deadline:
            if browser.get(path)[0] == 200:
                with lock:
                    done["n"] += 1

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    return done["n"] / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    for tool in ("haproxy", "pgbouncer"):
        if not (shutil.which(tool) or Path(f"/usr/sbin/{tool}").exists()):
            raise SystemExit(f"{tool} is needed: apt-get install {tool}")
    cluster = Cluster(args.members)
    results: dict = {}
    try:
        cluster.start()
        step(f"{args.members} members sign up through the balancer")
        members = sign_up(args.members)
        step("an avatar uploaded on node A, read through node B")
        results["photo"] = photo_across_nodes(cluster, members[0])
        step("members join missions and pledge while node A is killed and restarted")
        results["failover"] = joins_while_a_node_dies(cluster, members)
        step(f"throughput of /fr/missions/ ({args.seconds:.0f} s each, after a warm-up)")
        throughput(2)  # both nodes' workers load templates and open their connections
        results["requests_per_second_two_nodes"] = round(throughput(args.seconds), 1)
        cluster.kill_node("node-b")
        wait_until(lambda: status(LB, "/readyz") == 200, 10, "node A alone is not ready")
        time.sleep(1.5)  # HAProxy marks node B down (fall 2 × 500 ms)
        results["requests_per_second_one_node"] = round(throughput(args.seconds), 1)
        results["sweeps_sent_by_the_one_beat"] = sum(
            1 for line in (cluster.tmp / "beat.log").read_text().splitlines() if "Sending due task" in line
        )
        worker_lines = [
            json.loads(line)
            for name in ("worker-mail", "worker-main")
            for line in (cluster.tmp / f"{name}.log").read_text().splitlines()
            if line.startswith("{")
        ]
        results["worker_log_lines_with_a_balancer_request_id"] = sum(
            1 for line in worker_lines if re.fullmatch(r"[0-9a-f-]{36}", line.get("request_id", ""))
        )
    finally:
        cluster.stop()
    print(json.dumps(results, indent=2))
    print(f"logs: {cluster.tmp}")


if __name__ == "__main__":
    main()
