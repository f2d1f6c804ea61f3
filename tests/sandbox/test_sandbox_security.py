"""Isolation guarantees, checked on both backends (``docker`` tests fail, not skip, under
``PROTEGE_REQUIRE_DOCKER=1``).

Where bubblewrap cannot match Docker the test says so: its memory limit is per process
(address space, so a memory bomb gets a ``MemoryError`` rather than an OOM kill), and the
host's ``/usr`` stays readable (read-only) inside it.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
import tracemalloc
import uuid
from pathlib import Path

import protege

CHECKOUT = Path(protege.__file__).resolve().parents[1]


def test_network_access_fails(make_box) -> None:
    box = make_box()
    result = box.exec(
        "python3 -c 'import socket; socket.create_connection((\"1.1.1.1\", 53), timeout=3)'"
    )
    assert result.exit_code != 0
    assert "OSError" in result.stderr or "unreachable" in result.stderr.lower()
    resolved = box.exec("python3 -c 'import socket; socket.getaddrinfo(\"pypi.org\", 443)'")
    assert resolved.exit_code != 0


def test_only_the_work_directory_is_writable(make_box) -> None:
    box = make_box()
    assert box.write_file("inside.txt", "ok").ok
    assert box.read_file("inside.txt").stdout == "ok"
    for path in ("/etc/evil", "/usr/evil", "/evil", "/bin/evil", "/var/evil", "/home/evil"):
        result = box.exec(f"echo pwned > {path}")
        assert result.exit_code != 0, f"{path} was writable"
    assert not box.write_file("/usr/lib/evil.py", "x").ok


def test_host_files_are_not_visible(make_box, tmp_path) -> None:
    marker = f"protege-marker-{uuid.uuid4().hex}"
    planted = [CHECKOUT / marker, tmp_path / marker, Path.home() / marker]
    if os.access("/etc", os.W_OK):
        planted.append(Path("/etc") / marker)
    try:
        for path in planted:
            path.write_text("secret")
        box = make_box()
        found = box.exec(f"find / -name {marker} 2>/dev/null; true", timeout=30)
        assert marker not in found.stdout, found.stdout
        assert box.exec(["ls", str(CHECKOUT / "protege")]).exit_code != 0
        host_passwd = Path("/etc/passwd").read_text()
        assert box.read_file("/etc/passwd").stdout != host_passwd
    finally:
        for path in planted:
            path.unlink(missing_ok=True)


def test_fork_bomb_is_contained_and_host_stays_responsive(make_box) -> None:
    box = make_box(timeout_s=8)
    outcome = {}
    bomb = threading.Thread(
        target=lambda: outcome.setdefault("r", box.exec("bash -c ':(){ :|:& };:'", timeout=6))
    )
    bomb.start()
    slowest = 0.0
    while bomb.is_alive():
        started = time.monotonic()
        subprocess.run(["true"], check=True)
        slowest = max(slowest, time.monotonic() - started)
        time.sleep(0.2)
    bomb.join()
    assert slowest < 2.0, f"host process start took {slowest:.2f} s during the fork bomb"
    assert outcome["r"].duration_s < 15
    time.sleep(0.5)
    after = box.exec("echo alive")
    assert after.stdout.strip() == "alive", after


def test_memory_bomb_is_stopped(make_box, backend) -> None:
    box = make_box()
    result = box.exec(
        ["python3", "-c", "blocks = []\nwhile True: blocks.append(b'x' * 10_000_000)"], timeout=30
    )
    assert result.exit_code != 0 and not result.timed_out
    if backend == "docker":
        assert result.exit_code == 137  # the cgroup's OOM killer
    else:
        assert "MemoryError" in result.stderr  # bwrap: per-process address-space limit
    assert box.exec("echo alive").stdout.strip() == "alive"


def test_infinite_loop_is_killed_at_the_timeout(make_box) -> None:
    box = make_box()
    result = box.exec("python3 -c 'while True: pass'", timeout=2)
    assert result.timed_out
    assert 1.9 <= result.duration_s < 6
    assert box.exec("echo alive").stdout.strip() == "alive"


def test_huge_output_is_truncated_without_buffering(make_box) -> None:
    box = make_box(output_limit=64 * 1024)
    tracemalloc.start()
    result = box.exec("yes 0123456789abcdef | head -c 100000000", timeout=60)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.truncated
    assert len(result.stdout) < 70 * 1024
    assert "output truncated" in result.stdout
    assert peak < 16 * 2**20, f"peak Python allocation {peak / 2**20:.1f} MiB"
    assert result.duration_s < 30
