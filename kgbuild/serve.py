"""`kgbuild serve`: a live SPARQL 1.1 endpoint over a store's graph, served by Oxigraph.

The SPARQL 1.1 Protocol (queries by GET ``?query=``, POST form and ``application/sparql-query``;
results as SPARQL JSON, XML, CSV or TSV; CONSTRUCT/DESCRIBE as Turtle, N-Triples, RDF/XML …; the
graph store protocol) is implemented by the real ``oxigraph`` server binary, which the ``oxigraph``
PyPI package installs next to the Python interpreter. kgbuild only feeds and supervises it:

1. the store's RDF (``kgbuild.rdf.export(store, "nt")``, the same graph as ``kgbuild export``) is
   bulk-loaded with ``oxigraph load`` into a fresh database directory
   ``STORE/oxigraph/db-<n>/``, built completely before it is used;
2. the symlink ``STORE/oxigraph/current`` is switched to it atomically (``rename(2)`` of a new
   symlink over the old one), so ``current`` always names a complete database;
3. ``oxigraph serve-read-only --location STORE/oxigraph/current --bind HOST:PORT`` serves it
   (``oxigraph serve`` when ``read_only=False``, the CLI's ``--writable``).

A rebuild refreshes it: every ``poll_interval`` seconds the SQLite store's data version
(``PRAGMA data_version``, which changes on every commit by any other connection) and the
database file's identity are checked; once a change has been quiet for one poll interval (a
``kgbuild build`` in progress commits one document at a time and is not chased document by
document), a new database is built while the old one is still served, then the server is
stopped and restarted on the same host and port over the new database. Queries sent during the
restart (about 50 ms on our corpus) fail with "connection refused"; clients should retry. A
reload whose export or load fails keeps the old graph served and says so on stderr; if the
server cannot be restarted (another process took the port meanwhile) or dies, `serve` ends
with a one-line error and exit status 1.

With ``writable`` the endpoint accepts SPARQL UPDATE and graph-store writes, but they change only
the served copy: it is replaced by the store's graph on the next reload and on restart. The
kgbuild store itself is never written.

One ``serve`` per store at a time (``STORE/oxigraph/lock``). The server binds 127.0.0.1 unless
told otherwise; it has no authentication, so do not bind a public address.
"""
from __future__ import annotations

import argparse
import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from pathlib import Path

from .store import DB_NAME, DEFAULT_STORE, Store, StoreError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
POLL_INTERVAL = 2.0
START_TIMEOUT = 30.0
OXIGRAPH_DIR = "oxigraph"


_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never via a proxy


class ServeError(OSError):
    """A problem the user can fix (port in use, no oxigraph binary, …): one line for stderr.

    A subclass of OSError so that `kgbuild`'s command-line error handling prints it as one line
    and exits 1."""

    def __str__(self) -> str:  # OSError would prefix "[Errno …]" when given two arguments
        return str(self.args[0]) if self.args else "serve error"


class _Stop(BaseException):
    """Raised by the SIGINT/SIGTERM handler to unwind to the clean shutdown."""


# -- the oxigraph binary ------------------------------------------------------------------------
def find_oxigraph(explicit: str | os.PathLike | None = None) -> str:
    """Path of the `oxigraph` server binary: `explicit`, $KGBUILD_OXIGRAPH, the one installed next
    to this Python (the `oxigraph` PyPI package's script), or the first on PATH."""
    for cand in (explicit, os.environ.get("KGBUILD_OXIGRAPH")):
        if cand:
            if Path(cand).is_file() and os.access(cand, os.X_OK):
                return str(cand)
            raise ServeError(f"oxigraph binary {cand} not found or not executable")
    near = Path(sys.executable).with_name("oxigraph")
    if near.is_file() and os.access(near, os.X_OK):
        return str(near)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise ServeError("the oxigraph server is not installed (pip install oxigraph, or set KGBUILD_OXIGRAPH)")


_PRCTL = None


def _child_setup():
    """A preexec_fn that makes the child get SIGTERM when this process dies, even by SIGKILL
    (Linux PR_SET_PDEATHSIG). prctl is looked up here, in the parent, so the child only calls it."""
    global _PRCTL
    if _PRCTL is None:
        try:
            _PRCTL = ctypes.CDLL(None, use_errno=True).prctl
        except (OSError, AttributeError):
            _PRCTL = False
    if not _PRCTL:
        return None
    prctl = _PRCTL

    def setup() -> None:
        prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG

    return setup


def _bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"


def _url_host(host: str) -> str:
    """Where to reach a server bound to `host` from this machine."""
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    if host in ("::", "[::]"):
        return "[::1]"
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def endpoint_url(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> str:
    """The SPARQL query endpoint of a server started with these arguments (updates: /update)."""
    return f"http://{_url_host(host)}:{port}/query"


def _check_port_free(host: str, port: int) -> None:
    if not 0 < port < 65536:
        raise ServeError(f"port {port} is not a valid TCP port (1-65535)")
    try:
        infos = socket.getaddrinfo(host.strip("[]") or None, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ServeError(f"cannot bind {host}: {exc.strerror}") from None
    family, _, _, _, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server itself does
        try:
            s.bind(addr)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ServeError(f"port {port} on {host} is already in use (choose another with --port)") from None
            raise ServeError(f"cannot bind {_bind_address(host, port)}: {exc.strerror}") from None


# -- the store's state and graph ----------------------------------------------------------------
class _StoreWatcher:
    """Tells when the SQLite store has changed: its file identity plus `PRAGMA data_version` on a
    connection of our own (which changes on every commit by any other connection)."""

    def __init__(self, db_path: Path):
        self.db_path = db_path
        self.conn: sqlite3.Connection | None = None
        self.ident: tuple[int, int] | None = None

    def state(self) -> tuple | None:
        try:
            st = os.stat(self.db_path)
        except FileNotFoundError:
            self.close()
            return None
        ident = (st.st_dev, st.st_ino)
        if self.conn is None or ident != self.ident:
            self.close()
            self.conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, check_same_thread=False)
            self.ident = ident
        try:
            return ident + (self.conn.execute("PRAGMA data_version").fetchone()[0],)
        except sqlite3.Error:
            self.close()
            return None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = None


# `oxigraph load` flags: --non-atomic (flush as it goes) is ~10 % faster and needs less disk, and
# atomicity is ours anyway (a database is served only after a complete load); --lenient skips
# re-validating N-Triples that kgbuild.rdf wrote itself (valid by construction; tests/test_rdf.py
# parses every export strictly).
LOADER_FLAGS = ("--non-atomic", "--lenient")
# `oxigraph load` parses several files in parallel: the N-Triples are dealt out over two files
# (benchmarks/rdf_load_1m.py, 1,000,000 claims on 2 cores, paired runs: one file 74.0 / 61.7 s, two
# 67.3 / 60.4 s; four 71.3 s)
LOADER_FILES = 2


class _Dealer:
    """A text sink that deals each write (whole N-Triples lines: kgbuild.rdf.write_ntriples writes
    a statement or a claim's statements at a time, and no blank nodes) to the next of its files in
    turn."""

    def __init__(self, files):
        self.files, self.k = files, 0

    def write(self, line: str) -> None:
        self.files[self.k].write(line)
        self.k = (self.k + 1) % len(self.files)


def _write_ntriples(store_dir: Path, paths: list[Path]) -> int:
    """The store's graph as N-Triples dealt over `paths`, streamed; returns the number of triples."""
    from .rdf import write_ntriples

    with Store(store_dir, create=False) as store, contextlib.ExitStack() as stack:
        files = [stack.enter_context(open(p, "w", encoding="utf-8", buffering=1 << 20)) for p in paths]
        return write_ntriples(store, _Dealer(files))


# -- the server -----------------------------------------------------------------------------------
class Server:
    """Owns STORE/oxigraph/ and one oxigraph server process. Use `serve()` unless embedding."""

    def __init__(self, store_dir: str | os.PathLike = DEFAULT_STORE, host: str = DEFAULT_HOST,
                 port: int = DEFAULT_PORT, read_only: bool = True, *, poll_interval: float = POLL_INTERVAL,
                 oxigraph: str | None = None, query_timeout_s: float | None = None,
                 log=None, quiet: bool = False):
        self.store_dir = Path(store_dir)
        self.host, self.port, self.read_only = host, int(port), read_only
        self.poll_interval = poll_interval
        self.query_timeout_s = query_timeout_s
        self.quiet = quiet
        self.log_stream = log if log is not None else sys.stderr
        self.oxigraph = find_oxigraph(oxigraph)
        self.data_dir = self.store_dir / OXIGRAPH_DIR
        self.current = self.data_dir / "current"
        self.proc: subprocess.Popen | None = None
        self.output: deque[str] = deque(maxlen=50)
        self._lock_fd: int | None = None
        self._loader: subprocess.Popen | None = None
        self.triples = 0
        self.reloads = 0

    @property
    def url(self) -> str:
        return endpoint_url(self.host, self.port)

    def log(self, msg: str) -> None:
        if not self.quiet:
            print(f"kgbuild: {msg}", file=self.log_stream, flush=True)

    # -- setup ------------------------------------------------------------------------------
    def open(self) -> None:
        if not (self.store_dir / DB_NAME).exists():
            Store(self.store_dir, create=False)  # raises the usual one-line StoreError
        _check_port_free(self.host, self.port)
        try:
            self.data_dir.mkdir(exist_ok=True)
            fd = os.open(self.data_dir / "lock", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise ServeError(f"cannot write {self.data_dir}: {exc.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise ServeError(f"another `kgbuild serve` is already serving {self.store_dir}") from None
        self._lock_fd = fd
        for p in self.data_dir.glob("build-*"):  # left by a killed server
            shutil.rmtree(p, ignore_errors=True)

    def close(self) -> None:
        self.stop_server()
        if self._loader is not None and self._loader.poll() is None:
            self._loader.kill()
            self._loader.wait()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    # -- building a database -----------------------------------------------------------------
    def build(self) -> tuple[Path, int]:
        """A new, complete Oxigraph database of the store's current graph (not yet served)."""
        tmp = Path(tempfile.mkdtemp(prefix="build-", dir=self.data_dir))
        try:
            nts = [tmp / f"graph-{k}.nt" for k in range(LOADER_FILES)]
            n = _write_ntriples(self.store_dir, nts)
            db = tmp / "db"
            self._loader = subprocess.Popen([self.oxigraph, "load", "--location", str(db), *LOADER_FLAGS,
                                             "--file", *map(str, nts)],
                                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                            stderr=subprocess.STDOUT, text=True, preexec_fn=_child_setup())
            out, _ = self._loader.communicate()
            if self._loader.returncode != 0:
                lines = [ln for ln in out.splitlines() if ln.strip()]
                raise ServeError(f"oxigraph could not load the store's graph: {lines[0] if lines else 'exit ' + str(self._loader.returncode)}")
            self._loader = None
            for nt in nts:
                nt.unlink()
            final = self.data_dir / f"db-{time.time_ns():x}"
            os.rename(db, final)
            return final, n
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def swap(self, db: Path) -> None:
        """Point STORE/oxigraph/current at `db` atomically and remove the older databases."""
        link = self.data_dir / f".current-{os.getpid()}"
        if link.is_symlink() or link.exists():
            link.unlink()
        os.symlink(db.name, link)
        if self.current.exists() and not self.current.is_symlink():  # a plain directory (not ours): replace it
            shutil.rmtree(self.current)
        os.replace(link, self.current)
        for old in self.data_dir.glob("db-*"):
            if old.name != db.name:
                shutil.rmtree(old, ignore_errors=True)

    # -- the server process -----------------------------------------------------------------
    def start_server(self, timeout: float = START_TIMEOUT) -> None:
        cmd = [self.oxigraph, "serve-read-only" if self.read_only else "serve", "--location", str(self.current),
               "--bind", _bind_address(self.host, self.port)]
        if self.query_timeout_s:
            cmd += ["--timeout-s", str(int(self.query_timeout_s))]
        self.output.clear()
        # same process group as ours: a terminal's Ctrl-C or a supervisor's kill of the group reaches
        # it too; PR_SET_PDEATHSIG covers a SIGKILL of this process alone
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, errors="replace", preexec_fn=_child_setup())
        threading.Thread(target=self._drain, args=(self.proc,), daemon=True).start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                time.sleep(0.1)  # let the reader thread collect the last lines
                raise self._start_error()
            if self.ready():
                return
            time.sleep(0.05)
        self.stop_server()
        raise ServeError(f"oxigraph server did not answer on {self.url} within {timeout:.0f} s")

    def _start_error(self) -> ServeError:
        text = "\n".join(self.output)
        if "in use" in text.lower():
            return ServeError(f"port {self.port} on {self.host} is already in use (choose another with --port)")
        last = next((ln for ln in reversed(self.output) if ln.strip()), f"exit status {self.proc.returncode}")
        return ServeError(f"oxigraph server failed to start: {last.strip()}")

    def _drain(self, proc: subprocess.Popen) -> None:
        for line in proc.stdout:
            self.output.append(line.rstrip("\n"))

    def ready(self) -> bool:
        q = urllib.parse.urlencode({"query": "ASK {}"})
        req = urllib.request.Request(f"{self.url}?{q}", headers={"Accept": "application/sparql-results+json"})
        try:
            with _NO_PROXY.open(req, timeout=1.0) as r:
                return r.status == 200
        except (urllib.error.URLError, OSError, ValueError):
            return False

    def stop_server(self, timeout: float = 10.0) -> None:
        p, self.proc = self.proc, None
        if p is None or p.poll() is not None:
            return
        p.terminate()
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    # -- the whole thing ---------------------------------------------------------------------
    def load_and_start(self) -> None:
        t0 = time.monotonic()
        db, n = self.build()
        self.swap(db)
        self.triples = n
        self.start_server()
        mode = "read-only" if self.read_only else "writable: updates are discarded on reload"
        self.log(f"serving {self.store_dir} at {self.url} ({mode}, {n} triples, loaded in "
                 f"{time.monotonic() - t0:.1f} s); Ctrl-C to stop")

    def reload(self) -> bool:
        """Rebuild from the store and restart on the same port; False (old graph kept) on failure."""
        t0 = time.monotonic()
        try:
            db, n = self.build()
        except (ServeError, StoreError, OSError, sqlite3.Error) as exc:
            self.log(f"reload failed, still serving the previous graph: {exc}")
            return False
        self.stop_server()
        self.swap(db)
        self.triples = n
        self.start_server()
        self.reloads += 1
        self.log(f"store changed: reloaded {n} triples in {time.monotonic() - t0:.1f} s")
        return True

    def run(self, stop: threading.Event | None = None) -> int:
        """Serve until `stop` is set (or _Stop is raised by a signal); reload on store changes."""
        watcher = _StoreWatcher(self.store_dir / DB_NAME)
        try:
            served = watcher.state()
            self.load_and_start()
            seen, next_poll = served, time.monotonic() + self.poll_interval
            while not (stop is not None and stop.is_set()):
                if not self.running():
                    last = next((ln for ln in reversed(self.output) if ln.strip()), "")
                    code = self.proc.returncode if self.proc is not None else "?"
                    raise ServeError(f"oxigraph server exited unexpectedly (status {code}){': ' + last if last else ''}")
                if time.monotonic() >= next_poll:
                    now = watcher.state()
                    if now is not None and now != served and now == seen:  # changed, then quiet for a poll
                        served = now
                        self.reload()
                    seen, next_poll = now, time.monotonic() + self.poll_interval
                time.sleep(0.1)
            return 0
        finally:
            watcher.close()


def serve(store_dir: str | os.PathLike = DEFAULT_STORE, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
          read_only: bool = True, *, poll_interval: float = POLL_INTERVAL, oxigraph: str | None = None,
          query_timeout_s: float | None = None, quiet: bool = False, stop: threading.Event | None = None) -> int:
    """Serve `store_dir`'s graph as a SPARQL 1.1 endpoint at http://HOST:PORT/query until SIGINT or
    SIGTERM (or `stop` is set); returns 0 after a clean shutdown.

    Raises StoreError (no store) or ServeError (port in use, oxigraph missing or failing) with a
    one-line message; both are OSError/StoreError as `kgbuild`'s CLI reports them. Signal handlers
    are installed only when called from the main thread (otherwise stop it with `stop`)."""
    server = Server(store_dir, host, port, read_only, poll_interval=poll_interval, oxigraph=oxigraph,
                    query_timeout_s=query_timeout_s, quiet=quiet)
    main_thread = threading.current_thread() is threading.main_thread()
    previous = {}
    stopping = False

    def on_signal(signum, _frame):
        nonlocal stopping
        if not stopping:
            stopping = True
            raise _Stop()

    if main_thread:
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, on_signal)
    try:
        server.open()
        server.run(stop)
    except _Stop:
        pass
    finally:
        stopping = True  # a second signal during cleanup does nothing
        server.close()
        if main_thread:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    server.log("stopped")
    return 0


def main(argv: list[str] | None = None) -> int:
    """`python -m kgbuild.serve [--store DIR] [--port N] [--host H] [--writable]`."""
    p = argparse.ArgumentParser(prog="kgbuild serve", description="Serve the store's graph as a SPARQL 1.1 endpoint.")
    p.add_argument("--store", default=str(DEFAULT_STORE), help="store directory (default: %(default)s)")
    p.add_argument("--host", default=DEFAULT_HOST, help="address to bind (default: %(default)s)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help="TCP port (default: %(default)s)")
    p.add_argument("--writable", action="store_true",
                   help="accept SPARQL UPDATE (changes only the served copy; discarded on reload)")
    p.add_argument("--poll-interval", type=float, default=POLL_INTERVAL, help=argparse.SUPPRESS)
    p.add_argument("--quiet", action="store_true", help="no status lines on stderr (errors still)")
    a = p.parse_args(argv)
    try:
        return serve(a.store, a.host, a.port, read_only=not a.writable, poll_interval=a.poll_interval, quiet=a.quiet)
    except (ServeError, StoreError, OSError) as exc:
        if os.environ.get("KGBUILD_DEBUG"):
            raise
        print(f"kgbuild: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}", file=sys.stderr)
        return 1


__all__ = ["serve", "Server", "ServeError", "endpoint_url", "find_oxigraph", "main", "DEFAULT_PORT", "DEFAULT_HOST"]

if __name__ == "__main__":
    sys.exit(main())
