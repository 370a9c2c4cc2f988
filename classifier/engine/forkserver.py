"""Workers forked from one warm process: TensorFlow is imported once per server, not once per run.

    python -c "...; from classifier.engine.forkserver import main; main(FD)"     (by `ForkServer`)

A fresh interpreter spends about 2.7 s of CPU importing TensorFlow and Keras (`/usr/bin/time
python -m classifier.engine.worker </dev/null`) before it can train: on a class's server that is
every run's start, every spare's and every epoch-time measurement's, and 316 of the suite's 1,501
core-seconds. This process pays for those imports once (and draws the built-in shapes set once),
then forks a child for each worker or measurement it is asked for (PROGRAMS). A child is what
`python -m` its module would be: it leads its own session, takes the caller's environment and
working directory of the moment, and its stdin, stdout and stderr are the descriptors the caller
passed over a Unix socket, so worker.py cannot tell the difference. `ForkedProcess` is the
caller's handle on one, used as a `subprocess.Popen` would be.

What a child inherits must not be per process: the project's modules keep no such state at
import (the token that tells a run's process apart is made per pid, runs.process_token), NumPy's
global random state is reseeded in each child, and Python reseeds its own.

Fork safety: the server forks while its one Python thread waits for a request and before
TensorFlow has run an op (so no TensorFlow thread pool exists yet); the native threads the
imports leave (OpenBLAS's pool, jemalloc's background thread) both prepare for a fork themselves.

Why not multiprocessing's own forkserver: its children are `multiprocessing.Process`es, which
the interpreter joins at exit (a server stopping would wait for every run to end) or, as
daemons, terminates (a run cut off by a clean shutdown would read as failed, not as resumable);
each child also re-imports the caller's `__main__` (Streamlit's, for the app); and a worker's
protocol (a JSON line in, JSON lines out, end of input when the engine is gone) would have to
change. Here a child is a plain process, as `subprocess` made it before.

The socket (SOCK_SEQPACKET: one message per send) carries JSON. The caller sends a request
{"program", "argv", "env", "cwd"} with three descriptors (the child's stdin, stdout and stderr);
the server answers {"pid"} (the child starts only once that answer is sent: fork_child), and
{"pid", "exit"} when that child ends (its exit code as `subprocess` reports one: -9 when killed
by SIGKILL). When the caller's end closes, the server leaves; its children go on, and a worker
ends when its own stdin closes, as it always did.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy

import patches
from classifier.core.data.shapes import shapes
from classifier.engine import worker
from classifier.training import estimate

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MESSAGE_BYTES = 1 << 20  # a request carries the environment: far below this


# --- the engine's side -----------------------------------------------------------------------------


class ForkServer:
    """The engine's handle on the server: started on first use (and again if it died), asked for one
    child at a time, and told of each child's exit."""

    def __init__(self) -> None:
        self._request_lock = threading.Lock()  # one request in flight: the next answer is its pid
        self._lock = threading.Lock()  # the children's exits
        self._socket: socket.socket | None = None
        self._process: subprocess.Popen | None = None
        self._answer: int | None = None  # the pid for the request in flight
        self._answered = threading.Event()
        self._children: dict[int, socket.socket] = {}  # pid -> the connection of the server that forked it
        self._exits: dict[int, int | None] = {}
        self._ended: dict[int, threading.Event] = {}

    def fork(self, program: str, argv: list[str], stdin: int, stdout: int, stderr: int) -> int:
        """A new child running one of PROGRAMS with these descriptors as its stdin, stdout and
        stderr (the caller closes its copies); its pid. Blocks while the server starts (its
        imports: a few seconds, once)."""
        request = json.dumps({"program": program, "argv": argv, "env": _environment(), "cwd": os.getcwd()}).encode()
        with self._request_lock:
            for _ in range(2):  # a server that died since the last request is started again, once
                connection = self._connection()
                self._answer = None
                self._answered.clear()
                try:
                    socket.send_fds(connection, [request], [stdin, stdout, stderr])
                except OSError:
                    self._forget(connection)
                    continue
                self._answered.wait()
                if self._answer is not None:
                    return self._answer
        raise OSError(f"the fork server did not start {program}")

    @property
    def pid(self) -> int | None:
        """The server's process id while one runs."""
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    def wait(self, pid: int) -> int | None:
        """The child's exit code once it has ended; None if its server died before saying."""
        with self._lock:
            ended = self._ended.setdefault(pid, threading.Event())
        ended.wait()
        with self._lock:
            self._ended.pop(pid, None)
            return self._exits.pop(pid, None)

    def _connection(self) -> socket.socket:
        if self._socket is not None:
            return self._socket
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                f"import sys; from {__name__} import main; main(int(sys.argv[1]))",
                str(theirs.fileno()),
            ],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,  # never the caller's: the command line's --json goes there
            env=_environment(),
            cwd=PROJECT_ROOT,
        )
        theirs.close()
        self._socket, self._process = ours, process
        threading.Thread(target=self._listen, args=(ours, process), name="forkserver", daemon=True).start()
        return ours

    def _forget(self, connection: socket.socket) -> None:
        if self._socket is connection:
            self._socket = None

    def _ended_with(self, pid: int, code: int | None) -> None:
        with self._lock:
            self._children.pop(pid, None)
            self._exits[pid] = code
            self._ended.setdefault(pid, threading.Event()).set()

    def _listen(self, connection: socket.socket, process: subprocess.Popen) -> None:
        """The server's answers (the pid for the request in flight) and its children's exits."""
        while True:
            try:
                message = connection.recv(MESSAGE_BYTES)
            except OSError:
                message = b""
            if not message:
                break
            said = json.loads(message)
            if "exit" in said:
                self._ended_with(said["pid"], said["exit"])
            else:
                if said.get("pid") is not None:  # before its exit can arrive: messages come in order
                    with self._lock:
                        self._children[said["pid"]] = connection
                self._answer = said.get("pid")
                self._answered.set()
        # The server is gone: the request in flight gets no pid, its children's exits go unreported.
        self._forget(connection)
        self._answered.set()
        with self._lock:
            orphans = [pid for pid, server in self._children.items() if server is connection]
        for pid in orphans:
            self._ended_with(pid, None)
        connection.close()
        process.wait()


def _environment() -> dict[str, str]:
    """This process's environment, as the server and each worker get it."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return env


SERVER = ForkServer()  # one per process: every engine and measurement here shares it


class ForkedProcess:
    """A child of the fork server, handled as a `subprocess.Popen` is: `stdin` and `stdout` (text
    pipes, or None), `pid`, `poll`, `wait`, `terminate`, `returncode`. The fork happens on a thread
    of its own, so making one never waits for the server's imports; until then `pid` is None, and
    a line written to `stdin` waits in the pipe. `returncode` -1: the fork failed, or the server
    died before it could report the exit."""

    def __init__(
        self, program: str, argv: Sequence[str] = (), stdin: bool = False, stdout: bool = False, quiet: bool = False
    ):
        self.program, self.pid, self.returncode = program, None, None
        self.stdin = self.stdout = None
        child, closing = [], []
        for wanted, write_end in ((stdin, False), (stdout, True)):
            if not wanted:
                child.append(os.open(os.devnull, os.O_RDWR))
                closing.append(child[-1])
                continue
            read, write = os.pipe()
            child.append(write if write_end else read)
            closing.append(child[-1])
            if write_end:
                self.stdout = os.fdopen(read, "r")
            else:
                self.stdin = os.fdopen(write, "w", buffering=1)
        if quiet:
            child.append(os.open(os.devnull, os.O_WRONLY))
            closing.append(child[-1])
        else:
            child.append(2)  # this process's stderr, as a subprocess inherits it
        self._ended = threading.Event()
        self._terminate = False
        threading.Thread(target=self._run, args=(argv, child, closing), name=f"forked-{program}", daemon=True).start()

    def poll(self) -> int | None:
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if not self._ended.wait(timeout):
            raise subprocess.TimeoutExpired(self.program, timeout)
        return self.returncode

    def terminate(self) -> None:
        """SIGTERM, as Popen's; asked before the fork, it is sent once the child exists."""
        self._terminate = True
        self._signal(signal.SIGTERM)

    def _signal(self, number: int) -> None:
        if self.pid is not None and self.returncode is None:
            try:
                os.kill(self.pid, number)
            except ProcessLookupError:
                pass

    def _run(self, argv: list[str], child: list[int], closing: list[int]) -> None:
        try:
            self.pid = SERVER.fork(self.program, list(argv), *child)
        except OSError:
            self.pid = None
        finally:
            for fd in closing:
                os.close(fd)  # the child holds its own copies: its pipes end when it ends
        if self._terminate:
            self._signal(signal.SIGTERM)
        code = SERVER.wait(self.pid) if self.pid is not None else None
        self.returncode = -1 if code is None else code
        self._ended.set()


# --- the server's side -----------------------------------------------------------------------------


def _preload() -> None:
    """What a worker needs and takes seconds to make: TensorFlow and Keras imported (with this
    project's Keras patch installed, as the worker would), and the built-in shapes set, which is
    drawn rather than read (1.4 s of CPU a run; deterministic, 22 MB)."""
    patches.install_keras()  # imports Keras, and TensorFlow under it
    shapes()


def serve(connection: socket.socket) -> None:
    _preload()
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_read, False)
    os.set_blocking(wake_write, False)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so that SIGCHLD wakes the loop
    signal.set_wakeup_fd(wake_write)
    children: set[int] = set()
    with selectors.DefaultSelector() as selector:
        selector.register(connection, selectors.EVENT_READ)
        selector.register(wake_read, selectors.EVENT_READ)
        while True:
            for key, _ in selector.select():
                if key.fileobj is connection:
                    try:
                        message, fds, _, _ = socket.recv_fds(connection, MESSAGE_BYTES, 3)
                    except OSError:
                        message, fds = b"", []
                    if not message:
                        return  # the engine is gone; each child ends when its stdin closes
                    request = json.loads(message)
                    if len(fds) != 3 or request.get("program") not in PROGRAMS:
                        for fd in fds:
                            os.close(fd)
                        connection.send(json.dumps({"pid": None}).encode())
                        continue
                    try:
                        children.add(fork_child(request, fds, connection, [wake_read, wake_write]))
                    except OSError:
                        return  # the engine is gone before it heard of this child, which leaves
                else:
                    try:
                        while os.read(wake_read, 4096):
                            pass
                    except BlockingIOError:
                        pass  # drained
                    try:
                        for pid, code in _reap(children):
                            connection.send(json.dumps({"pid": pid, "exit": code}).encode())
                    except OSError:
                        return  # the engine is gone


def fork_child(request: dict, fds: list[int], connection: socket.socket, server_fds: Sequence[int] = ()) -> int:
    """Fork the child a request asks for, tell the caller its pid, then let it start: a child starts
    only once its pid is on its way to the caller (the socket keeps a message sent before the
    server dies). Otherwise a server killed between its fork and its answer would leave a child
    the caller cannot know of, holding the caller's pipes, while the caller asks the next server
    for another with the same pipes: two workers on one job's input, one of them never ending."""
    go_read, go_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(go_write)
        _become(request, fds, [connection.fileno(), *server_fds], go_read)
    os.close(go_read)
    for fd in fds:
        os.close(fd)
    try:
        connection.send(json.dumps({"pid": pid}).encode())
        os.write(go_write, b"1")
    finally:
        os.close(go_write)  # without its "1", the child leaves without starting
    return pid


def _reap(children: set[int]) -> list[tuple[int, int]]:
    ended = []
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            break
        children.discard(pid)
        ended.append((pid, os.waitstatus_to_exitcode(status)))
    return ended


# What a child may become: each as `python -m` that module would run.
PROGRAMS: dict[str, Callable[[list[str]], int | None]] = {
    "worker": lambda argv: worker.main(),  # classifier.engine.worker: trains one run
    "estimate": estimate.main,  # classifier.training.estimate: times a network's steps (ui/state.py)
}


def _become(request: dict, fds: list[int], server_fds: list[int], go: int) -> None:
    """In the forked child: once the server says go, become the program asked for, with these
    stdin, stdout and stderr."""
    code = 1
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for fd in server_fds:
            os.close(fd)
        if os.read(go, 1) != b"1":
            os._exit(1)  # the server could not tell the caller of us: nobody waits for this child
        os.close(go)
        os.setsid()  # its own session, as a worker expects (worker.lower_priority)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        numpy.random.seed()  # not the server's random state: every child would share it
        code = PROGRAMS[request["program"]](request["argv"]) or 0
    except SystemExit as leaving:
        code = leaving.code if isinstance(leaving.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def main(fd: int) -> None:
    """The server's process: `fd` is its end of the engine's socket."""
    serve(socket.socket(fileno=fd))
