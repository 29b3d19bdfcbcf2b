"""A throwaway production stack for bench/load.py and bench/faults.py.

Its own PostgreSQL cluster (initdb/pg_ctl as the postgres user, in a temporary folder) and its own
redis-server, both on free ports, so the faults can stop them without touching the machine's shared
services; then `flask db upgrade`, `load-reference`, `demo-data`, gunicorn (2 workers) with
PORTAL_CONFIG=production, one RQ worker and the periodic scheduler. Mail goes by SMTP to a sink
in this process that counts every delivery by Message-ID, so a duplicate email shows.

The web, worker and scheduler processes are restarted if they exit, as systemd's Restart=always
would; the restarts are counted and reported. Everything is torn down at exit, whatever happens.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import email
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_BIN = Path(os.environ.get("BENCH_PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(command: list[str]) -> list[str]:
    """initdb refuses to run as root, so root runs the PostgreSQL tools as the postgres user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class MailSink:
    """An SMTP server that counts deliveries per Message-ID (`<outbound-ID@anchor-portal>`).

    With `hold_after` set, the reply to each email with a higher id is held `delay` seconds
    (and `receiving` set), so a test can kill the worker mid-send of one it chose; the email
    counts as delivered when its data arrives, as a relay would queue it."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: Counter[str] = Counter()
        self.delay = 0.0
        self.hold_after: int | None = None
        self.receiving = threading.Event()
        self._lock = threading.Lock()
        self._controller: Any = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content)
        message_id = str(message.get("Message-ID", "")).strip()
        number = int("".join(ch for ch in message_id if ch.isdigit()) or 0)
        with self._lock:
            self.received[message_id] += 1
        if self.hold_after is not None and number > self.hold_after:
            # Accepted, but the 250 is late: a sender killed now has delivered the email
            # without knowing it (RFC 5321 section 6.1), the window exactly-once must cover.
            self.receiving.set()
            await asyncio.sleep(self.delay)
        return "250 OK"

    def deliveries(self, email_id: int) -> int:
        with self._lock:
            return self.received[f"<outbound-{email_id}@anchor-portal>"]

    def duplicates(self) -> dict[str, int]:
        with self._lock:
            return {key: count for key, count in self.received.items() if count > 1}

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


class Stack:
    """Start with `with Stack() as stack:`; `stack.url` is the site, `stack.dsn` the database."""

    def __init__(self, *, web_workers: int = 2, quiet: bool = False) -> None:
        self.web_workers = web_workers
        self.quiet = quiet
        self.tmp = Path(tempfile.mkdtemp(prefix="portal-bench-"))
        self.tmp.chmod(0o755)
        self.logs = self.tmp / "logs"
        self.logs.mkdir()
        self.logs.chmod(0o777)  # the postgres user writes its server log here
        self.pgdata = self.tmp / "pgdata"
        self.pg_log = self.logs / "pg.log"
        self.pg_port, self.redis_port, self.http_port = free_port(), free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.http_port}"
        self.dsn = f"postgresql://postgres@127.0.0.1:{self.pg_port}/portal"
        self.mail = MailSink()
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.restarts: Counter[str] = Counter()
        self._supervised: set[str] = set()
        self._stopping = threading.Event()
        self._pg_started = False
        self._lock = threading.Lock()

    # -- lifecycle -------------------------------------------------------------------------------

    def __enter__(self) -> Stack:
        atexit.register(self.stop)
        for signum in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, _exit_on_signal)
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def say(self, text: str) -> None:
        if not self.quiet:
            print(f"[stack] {text}", flush=True)

    def start(self) -> None:
        self.mail.start()
        self._start_postgres()
        self.start_redis()
        self.say("migrating and loading demo data")
        for command in (["db", "upgrade"], ["load-reference"], ["demo-data"]):
            self._flask_once(command)
        self._spawn("web", self._web_command())
        self._spawn("worker", self._flask_command("worker"))
        self._spawn("scheduler", self._flask_command("jobs", "run-periodic", "--loop"))
        self._supervised = {"web", "worker", "scheduler"}
        threading.Thread(target=self._supervise, daemon=True).start()
        self.wait_until_up()
        self.say(f"production stack up at {self.url} (logs in {self.logs})")

    def stop(self) -> None:
        if self._stopping.is_set():
            return
        self._stopping.set()
        with self._lock:
            for name in list(self.processes):
                self._terminate(name)
        if self._pg_started:
            subprocess.run(
                _as_postgres(
                    [str(PG_BIN / "pg_ctl"), "-D", str(self.pgdata), "-m", "immediate", "stop"]
                ),
                capture_output=True,
                check=False,
            )
        self.mail.stop()
        if os.environ.get("BENCH_KEEP"):
            print(f"[stack] kept {self.tmp}")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # -- environment -----------------------------------------------------------------------------

    def env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("FLASK_", "TEST_", "PORTAL_", "MAIL_")) and key != "DATABASE_URL"
        }
        env.update(
            PORTAL_CONFIG="production",
            SECRET_KEY=getattr(self, "_secret", None) or self._new_secret(),
            DATABASE_URL=self.dsn,
            REDIS_URL=f"redis://127.0.0.1:{self.redis_port}/0",
            PORTAL_INSTANCE_DIR=str(self.tmp / "instance"),
            UPLOAD_FOLDER=str(self.tmp / "uploads"),
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=str(self.mail.port),
            PUBLIC_BASE_URL=self.url,
            # Plain http on a test host: honoured once PORTAL_INSECURE_HTTP lands; until then
            # bench/_insecure_wsgi.py turns the Secure cookie flag off itself.
            PORTAL_INSECURE_HTTP="1",
            PYTHONUNBUFFERED="1",
        )
        return env

    def _new_secret(self) -> str:
        self._secret = secrets.token_hex(32)
        return self._secret

    def _flask_command(self, *args: str) -> list[str]:
        return [str(BIN / "flask"), "--app", "wsgi", *args]

    def _web_command(self) -> list[str]:
        return [
            str(BIN / "gunicorn"),
            "--workers",
            str(self.web_workers),
            "--bind",
            f"127.0.0.1:{self.http_port}",
            "--timeout",
            "60",
            "bench._insecure_wsgi:app",
        ]

    def _flask_once(self, args: list[str]) -> None:
        result = subprocess.run(
            self._flask_command(*args), cwd=ROOT, env=self.env(), capture_output=True, check=False
        )
        if result.returncode:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stderr.decode()[-3000:]}")

    # -- processes -------------------------------------------------------------------------------

    def _spawn(self, name: str, command: list[str]) -> None:
        log = (self.logs / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a kill reaches RQ's work horse too
        )

    def _terminate(self, name: str, sig: int = signal.SIGTERM) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
            process.wait(timeout=10)
        except (ProcessLookupError, PermissionError):
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def _supervise(self) -> None:
        commands = {
            "web": self._web_command,
            "worker": lambda: self._flask_command("worker"),
            "scheduler": lambda: self._flask_command("jobs", "run-periodic", "--loop"),
        }
        while not self._stopping.wait(1.0):
            with self._lock:
                if self._stopping.is_set():
                    return
                for name in self._supervised:
                    process = self.processes.get(name)
                    if process is not None and process.poll() is not None:
                        self.say(f"{name} exited with {process.returncode}; restarting it")
                        self.restarts[name] += 1
                        self._spawn(name, commands[name]())

    def kill_worker(self) -> None:
        """kill -9 the RQ worker and its work horse, then start a new worker.

        RQ starts the work horse (the process running the job) in a session of its own, so a
        signal to the worker's process group misses it: it is found through /proc and killed
        first, so the job really dies mid-send."""
        with self._lock:
            process = self.processes.get("worker")
            if process is not None:
                for pid in _descendants(process.pid):
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.kill(pid, signal.SIGKILL)
            self._terminate("worker", signal.SIGKILL)
            self._spawn("worker", self._flask_command("worker"))

    def wait_until_up(self, timeout: float = 60) -> None:
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"the site did not answer /healthz:\n{self.log_tail('web')}")

    def log_tail(self, name: str, lines: int = 40) -> str:
        path = self.logs / f"{name}.log"
        return (
            "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
            if path.exists()
            else ""
        )

    # -- PostgreSQL ------------------------------------------------------------------------------

    def _pg(self, *args: str) -> None:
        """pg_ctl with the server's output to its log: a pipe would be held open by postgres."""
        command = [str(PG_BIN / "pg_ctl"), "-D", str(self.pgdata), "-l", str(self.pg_log), *args]
        result = subprocess.run(
            _as_postgres(command),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
            timeout=120,
        )
        if result.returncode:
            raise RuntimeError(f"pg_ctl {' '.join(args)} failed:\n{self.log_tail('pg')}")

    def _start_postgres(self) -> None:
        self.pgdata.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.pgdata, "postgres", "postgres")
        self.say(f"initdb and PostgreSQL on port {self.pg_port}")
        subprocess.run(
            _as_postgres(
                [
                    str(PG_BIN / "initdb"),
                    "-D",
                    str(self.pgdata),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
        )
        options = f"-p {self.pg_port} -k {self.pgdata} -c listen_addresses=127.0.0.1"
        self._pg("-w", "-o", options, "start")
        self._pg_started = True
        subprocess.run(
            [
                str(PG_BIN / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.pg_port),
                "-U",
                "postgres",
                "portal",
            ],
            check=True,
            capture_output=True,
        )

    def restart_postgres(self) -> None:
        """A clean `pg_ctl restart -m fast`: open connections are cut, the pool must recover."""
        self._pg("-m", "fast", "-w", "restart")

    # -- Redis -----------------------------------------------------------------------------------

    def start_redis(self) -> None:
        command = [
            "redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", str(self.tmp),
        ]  # fmt: skip
        self._spawn("redis", command)
        import redis

        client = redis.Redis(port=self.redis_port)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start:\n" + self.log_tail("redis"))

    def stop_redis(self) -> None:
        """Stop Redis; with --save '' its queue is gone when it comes back, as after a crash."""
        self._terminate("redis")

    # -- database checks -------------------------------------------------------------------------

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.dsn, connect_timeout=10) as connection:
            return list(connection.execute(sql, params).fetchall())  # type: ignore[arg-type]


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _descendants(pid: int) -> list[int]:
    """Every process below `pid`, children first, read from /proc (Linux)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces, so split after its closing ")".
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: list[int] = []
    frontier = [pid]
    while frontier:
        current = frontier.pop()
        children = [child for child, parent in parents.items() if parent == current]
        found.extend(children)
        frontier.extend(children)
    return found
