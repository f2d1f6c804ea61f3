"""The in-container executor: a small Python process that runs each step's command.

``docker exec`` costs one ``runc exec`` per step (70-100 ms on a loaded 2-core machine). The
executor avoids it: it is the container's main process (under Docker's ``--init``), reads
one JSON request per line from its stdin and answers one JSON line on its stdout, over the
same attach connection that keeps the container alive (EOF on stdin, e.g. when the owner
dies, ends it and the container is auto-removed). It runs inside the container with all its
limits; it enforces the timeout and the output limit there (the dropped output never crosses
the socket) and kills the command's process group when the step ends, so no process
outlives its step.

Protocol. Request: ``{"argv": [...], "stdin": base64 | null, "timeout": s, "limit": bytes}``.
Answer: ``{"exit": int, "stdout": base64, "stderr": base64, "stdout_total": n,
"stderr_total": n, "timed_out": bool}``.
"""

from __future__ import annotations

import base64
import json
import struct
from typing import Any

EXECUTOR_SOURCE = r"""
import base64, ctypes, json, os, selectors, signal, subprocess, sys, threading, time
try:  # not dumpable: other processes of the sandbox user cannot open our fds in /proc
    ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)
except Exception:
    pass
requests, answers = sys.stdin.buffer, sys.stdout.buffer

def kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass

def feed(stream, data):
    try:
        stream.write(data)
        stream.close()
    except OSError:
        pass

def run(request):
    started = time.monotonic()
    data = request.get("stdin")
    data = None if data is None else base64.b64decode(data)
    try:
        process = subprocess.Popen(
            request["argv"], cwd="/work", start_new_session=True,
            stdin=subprocess.DEVNULL if data is None else subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as error:
        return {"exit": 126, "stdout": "", "stderr": base64.b64encode(
            ("cannot start the command: %s\n" % error).encode()).decode(),
            "stdout_total": 0, "stderr_total": 0, "timed_out": False}
    if data is not None:
        threading.Thread(target=feed, args=(process.stdin, data), daemon=True).start()
    limit, deadline = request["limit"], started + request["timeout"]
    kept, total = {1: bytearray(), 2: bytearray()}, {1: 0, 2: 0}
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ, 1)
    selector.register(process.stderr, selectors.EVENT_READ, 2)
    killed = timed_out = False
    while selector.get_map():
        remaining = deadline - time.monotonic()
        if remaining <= 0 and not killed:
            kill_group(process.pid)
            killed = timed_out = True
        elif remaining < -5:
            break
        for key, _ in selector.select(0.5 if killed else max(remaining, 0.01)):
            chunk = os.read(key.fd, 65536)
            if not chunk:
                selector.unregister(key.fileobj)
                continue
            stream = key.data
            total[stream] += len(chunk)
            room = limit - len(kept[stream])
            if room > 0:
                kept[stream] += chunk[:room]
            if total[stream] > limit and not killed:
                kill_group(process.pid)
                killed = True
    code = process.wait()
    kill_group(process.pid)  # what the command left running ends with its step
    return {"exit": code if code >= 0 else 128 - code,
            "stdout": base64.b64encode(bytes(kept[1])).decode(),
            "stderr": base64.b64encode(bytes(kept[2])).decode(),
            "stdout_total": total[1], "stderr_total": total[2], "timed_out": timed_out}

for line in requests:
    try:
        answer = run(json.loads(line))
    except Exception as error:
        answer = {"error": "%s: %s" % (type(error).__name__, error)}
    answers.write((json.dumps(answer) + "\n").encode())
    answers.flush()
"""
"""Run as ``python3 -u -c EXECUTOR_SOURCE`` by the container."""


def encode_request(argv: list[str], stdin: bytes | None, timeout: float, limit: int) -> bytes:
    """One request line."""
    request = {
        "argv": argv,
        "stdin": None if stdin is None else base64.b64encode(stdin).decode(),
        "timeout": timeout,
        "limit": limit,
    }
    return (json.dumps(request) + "\n").encode()


class FrameReader:
    """Splits Docker's multiplexed attach stream (8-byte frame headers) into stdout lines."""

    def __init__(self) -> None:
        self.pending = b""
        self.stdout = b""
        self.stderr = b""

    def feed(self, chunk: bytes) -> None:
        """Add bytes read from the socket."""
        self.pending += chunk
        while len(self.pending) >= 8:
            stream, size = self.pending[0], struct.unpack(">I", self.pending[4:8])[0]
            if len(self.pending) < 8 + size:
                break
            payload = self.pending[8 : 8 + size]
            self.pending = self.pending[8 + size :]
            if stream == 2:
                self.stderr = (self.stderr + payload)[-4096:]
            else:
                self.stdout += payload

    def next_answer(self) -> dict[str, Any] | None:
        """The next complete answer line, decoded, or ``None`` if none is complete yet."""
        line, newline, rest = self.stdout.partition(b"\n")
        if not newline:
            return None
        self.stdout = rest
        return json.loads(line)
