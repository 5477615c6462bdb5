"""A local Neo4j 5.26 Community server without Docker (``brmgraph neo4j start``).

How it works:

* the jars of ``org.neo4j:neo4j`` (version pinned in ``brmgraph/java/pom.xml``) are
  fetched once from Maven Central with ``mvn dependency:copy-dependencies`` into a
  *distribution cache* (``$BRM_NEO4J_CACHE``, default ``~/.cache/brmgraph/neo4j-dist``),
  and ``brmgraph/java/BrmNeo4j.java`` is compiled there with ``javac``;
* ``start`` runs ``java … BrmNeo4j <home> <port>``: the DBMS with the Bolt connector on
  127.0.0.1 only, authentication off (loopback only), data and logs under the *home*
  (default ``~/.cache/brmgraph/neo4j``), the JVM's and Neo4j's defaults (a heap of at
  most ``BRM_NEO4J_HEAP`` when set) and a page cache of ``BRM_NEO4J_PAGECACHE_MB``
  (default 512);
* ``stop`` sends SIGTERM: the launcher's shutdown hook closes the DBMS cleanly
  (checkpoint), so data survive a stop/start.

Prerequisites: a JDK 17 or 21 (``java`` and ``javac``) and Maven (``mvn``) on PATH, and
Maven Central reachable the first time.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .errors import BrmError, SetupError

DEFAULT_PORT = 7687
MAIN_CLASS = "BrmNeo4j"
READY_MARK = "BRMNEO4J READY"
START_TIMEOUT_S = float(os.environ.get("BRM_NEO4J_START_TIMEOUT", "180"))
STOP_TIMEOUT_S = 90.0
#: page cache in MB (``BRM_NEO4J_PAGECACHE_MB``): scale L's store is about 1 GB on disk
DEFAULT_PAGECACHE_MB = 512

#: the module opens Neo4j's own neo4j.conf gives the JVM (server.jvm.additional): Neo4j
#: needs them on Java 17+; no tuning flag (collector, JIT): the JVM's defaults
JVM_OPENS = [
    f"--add-opens=java.base/{package}=ALL-UNNAMED"
    for package in ("java.nio", "java.io", "sun.nio.ch", "java.lang", "java.util.concurrent")
]


class LocalNeo4jError(BrmError):
    """The local server did not start or stop."""

    exit_code = 7


# ---------------------------------------------------------------------------- locations


def default_home() -> Path:
    return Path(os.environ.get("BRM_NEO4J_HOME") or Path.home() / ".cache" / "brmgraph" / "neo4j")


def cache_dir() -> Path:
    """Where the jars and the compiled launcher live (shared by every home)."""
    return Path(os.environ.get("BRM_NEO4J_CACHE") or Path.home() / ".cache" / "brmgraph" / "neo4j-dist")


def _java_source_dir() -> Path:
    return Path(str(resources.files("brmgraph").joinpath("java")))


def neo4j_version() -> str:
    pom = (_java_source_dir() / "pom.xml").read_text(encoding="utf-8")
    m = re.search(r"<neo4j\.version>([^<]+)</neo4j\.version>", pom)
    if not m:  # pragma: no cover - the pom is ours
        raise SetupError("brmgraph/java/pom.xml names no <neo4j.version>")
    return m.group(1).strip()


# ---------------------------------------------------------------------------- distribution


def _tool(name: str, what: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise SetupError(f"`{name}` not found on PATH: install {what} to run a local Neo4j (or use Docker / NEO4J_URI)")
    return path


def check_prerequisites(need_maven: bool = True) -> dict[str, str]:
    tools = {
        "java": _tool("java", "a Java 17 or 21 JDK (e.g. apt-get install openjdk-17-jdk-headless)"),
        "javac": _tool("javac", "a Java 17 or 21 JDK, not just a JRE (e.g. apt-get install openjdk-17-jdk-headless)"),
    }
    if need_maven:
        tools["mvn"] = _tool("mvn", "Apache Maven 3.6+ (e.g. apt-get install maven)")
    return tools


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _source_digest() -> str:
    h = hashlib.sha256()
    for name in ("pom.xml", f"{MAIN_CLASS}.java"):
        h.update((_java_source_dir() / name).read_bytes())
    return h.hexdigest()[:16]


@dataclass
class Distribution:
    root: Path
    version: str

    @property
    def lib(self) -> Path:
        return self.root / "lib"

    @property
    def classes(self) -> Path:
        return self.root / "classes"

    def classpath(self) -> str:
        return f"{self.classes}{os.pathsep}{self.lib}{os.sep}*"


def ensure_distribution(log: Callable[[str], object] | None = None) -> Distribution:
    """Fetch the jars and compile the launcher, once per version (cached, process-safe)."""
    version = neo4j_version()
    root = cache_dir() / version
    stamp = root / "READY"
    digest = _source_digest()
    if stamp.is_file() and stamp.read_text().strip() == digest:
        return Distribution(root, version)
    with _locked(cache_dir() / ".lock"):
        if stamp.is_file() and stamp.read_text().strip() == digest:
            return Distribution(root, version)
        tools = check_prerequisites(need_maven=not _has_jars(root / "lib", version))
        root.mkdir(parents=True, exist_ok=True)
        src = _java_source_dir()
        if not _has_jars(root / "lib", version):
            tmp = root / "lib.tmp"
            shutil.rmtree(tmp, ignore_errors=True)
            if log:
                log(f"fetching Neo4j {version} jars from Maven Central into {root / 'lib'} (once) …")
            cmd = [
                tools["mvn"], "-q", "-B", "-f", str(src / "pom.xml"),
                "dependency:copy-dependencies", f"-DoutputDirectory={tmp}", "-DincludeScope=runtime",
            ]
            proc = subprocess.run(cmd, capture_output=True, text=True, cwd=str(root))
            if proc.returncode != 0 or not _has_jars(tmp, version):
                tail = " ".join((proc.stdout + proc.stderr).split()[-40:])
                raise SetupError(f"could not fetch the Neo4j {version} jars with Maven (is Maven Central reachable?): {tail}")
            shutil.rmtree(root / "lib", ignore_errors=True)
            tmp.rename(root / "lib")
        classes = root / "classes"
        shutil.rmtree(classes, ignore_errors=True)
        classes.mkdir()
        dist = Distribution(root, version)
        proc = subprocess.run(
            [tools["javac"], "-cp", f"{root / 'lib'}{os.sep}*", "-d", str(classes), str(src / f"{MAIN_CLASS}.java")],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            raise SetupError(f"javac could not compile the Neo4j launcher (a JDK 17 or 21 is needed): {' '.join(proc.stderr.split()[:60])}")
        stamp.write_text(digest)
        return dist


def _has_jars(lib: Path, version: str) -> bool:
    return (lib / f"neo4j-{version}.jar").is_file() and (lib / f"neo4j-bolt-{version}.jar").is_file()


# ---------------------------------------------------------------------------- server


@dataclass
class Status:
    running: bool
    home: Path
    port: int | None = None
    pid: int | None = None
    answering: bool = False

    @property
    def url(self) -> str | None:
        return f"bolt://127.0.0.1:{self.port}" if self.port else None

    @property
    def state(self) -> str:
        if self.running and self.answering:
            return "running"
        if self.running:
            return "starting or not answering"
        return "stopped"


def _run_dir(home: Path) -> Path:
    return home / "run"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie child of ours counts as dead
    try:
        with open(f"/proc/{pid}/stat") as fh:
            if fh.read().split(") ", 1)[1].startswith("Z"):
                return False
    except (OSError, IndexError):
        pass
    return True


def _is_our_launcher(pid: int) -> bool:
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return _pid_alive(pid)  # no /proc (macOS): trust the pid file
    return MAIN_CLASS.encode() in cmd


def bolt_answers(port: int, host: str = "127.0.0.1", timeout: float = 2.0) -> bool:
    """True when a Bolt server on host:port answers the driver (``verify_connectivity``)."""
    import neo4j
    from neo4j import exceptions as nx

    try:
        with neo4j.GraphDatabase.driver(f"bolt://{host}:{port}", auth=None, connection_timeout=timeout) as d:
            d.verify_connectivity()
    except nx.AuthError:  # it answers, and wants credentials
        return True
    except (nx.DriverError, nx.Neo4jError, OSError):
        return False
    return True


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        # as Neo4j's Netty does: connections left in TIME_WAIT do not block a restart
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _read_int(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def status(home: Path | str | None = None) -> Status:
    home = Path(home) if home else default_home()
    run = _run_dir(home)
    pid = _read_int(run / "neo4j.pid")
    port = _read_int(run / "neo4j.port")
    if pid is None or not _pid_alive(pid) or not _is_our_launcher(pid):
        return Status(False, home, port)
    return Status(True, home, port, pid, bool(port and bolt_answers(port)))


def start(
    home: Path | str | None = None,
    port: int = DEFAULT_PORT,
    *,
    heap: str | None = None,
    log: Callable[[str], object] | None = None,
    timeout: float = START_TIMEOUT_S,
) -> Status:
    """Start the server (or find it running); return once Bolt answers."""
    home = Path(home).expanduser().resolve() if home else default_home()
    home.mkdir(parents=True, exist_ok=True)
    run = _run_dir(home)
    run.mkdir(exist_ok=True)
    with _locked(run / "start.lock"):
        st = status(home)
        if st.running:
            if st.port != port:
                raise LocalNeo4jError(
                    f"a local Neo4j already runs from {home} on port {st.port}; stop it first to use port {port}"
                )
            if not st.answering:
                _wait_ready(home, st.pid, port, timeout, proc=None)
            return status(home)
        if not port_free(port):
            hint = " (another Neo4j?)" if bolt_answers(port) else ""
            raise LocalNeo4jError(f"port {port} on 127.0.0.1 is already in use{hint}; choose another port")
        dist = ensure_distribution(log=log)
        java = check_prerequisites(need_maven=False)["java"]
        (home / "logs").mkdir(exist_ok=True)
        heap = heap or os.environ.get("BRM_NEO4J_HEAP")
        pagecache = os.environ.get("BRM_NEO4J_PAGECACHE_MB") or str(DEFAULT_PAGECACHE_MB)
        cmd = [
            # without BRM_NEO4J_HEAP the JVM's default maximum (a quarter of the memory)
            java, *([f"-Xmx{heap}"] if heap else []), f"-Dbrm.pagecache.mb={int(pagecache)}", *JVM_OPENS,
            "-cp", dist.classpath(), MAIN_CLASS, str(home), str(port),
        ]
        console = home / "logs" / "console.log"
        with open(console, "ab") as out:
            out.write(f"\n--- {time.strftime('%Y-%m-%d %H:%M:%S')} starting Neo4j {dist.version} on 127.0.0.1:{port}\n".encode())
            out.flush()
            offset = out.tell()
            proc = subprocess.Popen(
                cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=str(home), start_new_session=True
            )
        (run / "neo4j.pid").write_text(str(proc.pid))
        (run / "neo4j.port").write_text(str(port))
        _wait_ready(home, proc.pid, port, timeout, proc=proc, console=console, offset=offset)
        return status(home)


def _wait_ready(
    home: Path,
    pid: int | None,
    port: int,
    timeout: float,
    proc: subprocess.Popen[bytes] | None = None,
    console: Path | None = None,
    offset: int = 0,
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None or (pid is not None and not _pid_alive(pid)):
            (_run_dir(home) / "neo4j.pid").unlink(missing_ok=True)
            raise LocalNeo4jError(f"Neo4j exited while starting: {_tail(console or home / 'logs' / 'console.log', offset)}")
        if bolt_answers(port):
            return
        time.sleep(0.25)
    raise LocalNeo4jError(f"Neo4j did not answer on 127.0.0.1:{port} within {timeout:.0f}s; see {home / 'logs'}")


def _tail(path: Path, offset: int = 0, lines: int = 8) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            text = fh.read().decode("utf-8", "replace")
    except OSError:
        return "(no console log)"
    interesting = [ln for ln in text.splitlines() if ln.strip()]
    return " | ".join(interesting[-lines:]) or "(no output)"


def stop(home: Path | str | None = None, *, timeout: float = STOP_TIMEOUT_S) -> bool:
    """Stop the server cleanly (SIGTERM → shutdown hook). False when it was not running."""
    home = Path(home).expanduser().resolve() if home else default_home()
    run = _run_dir(home)
    with _locked(run / "start.lock"):
        st = status(home)
        if not st.running or st.pid is None:
            (run / "neo4j.pid").unlink(missing_ok=True)
            return False
        os.kill(st.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _pid_alive(st.pid):
            time.sleep(0.2)
        if _pid_alive(st.pid):
            os.kill(st.pid, signal.SIGKILL)
            time.sleep(0.5)
        _reap(st.pid)
        (run / "neo4j.pid").unlink(missing_ok=True)
        return True


def kill(home: Path | str) -> bool:
    """SIGKILL the server (tests of crash safety). False when it was not running."""
    home = Path(home)
    st = status(home)
    if not st.running or st.pid is None:
        return False
    os.kill(st.pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _pid_alive(st.pid):
        _reap(st.pid)
        time.sleep(0.1)
    _reap(st.pid)
    (_run_dir(home) / "neo4j.pid").unlink(missing_ok=True)
    return True


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
    except OSError:  # pragma: no cover
        pass


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - `python -m brmgraph.neo4j_local start`
    args = argv if argv is not None else sys.argv[1:]
    cmd = args[0] if args else "status"
    if cmd == "start":
        st = start(log=print)
        print(st.url)
    elif cmd == "stop":
        stop()
    else:
        print(status().state)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
