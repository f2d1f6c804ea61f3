"""Building the sandbox image ``protege-sandbox:py``.

Online, from the shipped ``Dockerfile`` (needs a registry to pull ``debian:bookworm-slim``).
Offline, the same content without any registry: ``debootstrap`` a minimal Debian root file
system with ``python3`` from the machine's own apt mirror, add the ``sandbox`` user
(uid 1000), and ``docker import`` it. The root file system tarball is cached under
``~/.cache/protege/sandbox`` and an existing image is kept unless ``force``.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from protege.sandbox.base import SandboxError
from protege.sandbox.docker_backend import IMAGE, SANDBOX_UID, docker_client, image_exists

DOCKERFILE = Path(__file__).with_name("Dockerfile")
SUITE = "bookworm"
CACHE_DIR = Path(os.environ.get("PROTEGE_CACHE", Path.home() / ".cache" / "protege")) / "sandbox"
IMAGE_CHANGES = [
    f"USER {SANDBOX_UID}:{SANDBOX_UID}",
    "WORKDIR /work",
    "ENV LANG=C.UTF-8 HOME=/work PYTHONDONTWRITEBYTECODE=1",
    'CMD ["cat"]',
]
"""Dockerfile instructions applied on ``docker import``; they match the shipped Dockerfile."""


def apt_mirror(suite: str = SUITE, root: Path = Path("/etc/apt")) -> str:
    """The first Debian mirror in this machine's apt sources that serves ``suite``."""
    for path in sorted(glob.glob(str(root / "sources.list.d" / "*.sources"))):
        for stanza in Path(path).read_text().split("\n\n"):
            fields = dict(
                (key.strip().lower(), value.strip())
                for key, _, value in (
                    line.partition(":") for line in stanza.splitlines() if ":" in line
                )
                if not key.startswith("#")
            )
            if suite in fields.get("suites", "").split() and "uris" in fields:
                return fields["uris"].split()[0]
    list_files = [root / "sources.list", *sorted(Path(root, "sources.list.d").glob("*.list"))]
    for path in list_files:
        if not path.exists():
            continue
        for line in path.read_text().splitlines():
            match = re.match(r"^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)", line.strip())
            if match and match.group(2) == suite:
                return match.group(1)
    raise SandboxError(
        f"no apt source for Debian {suite!r} in {root}; add one or build online with "
        "`protege sandbox build`"
    )


def build_image(
    offline: bool = False,
    force: bool = False,
    image: str = IMAGE,
    log: Callable[[str], None] = print,
) -> str:
    """Build ``image`` (online from the Dockerfile, or offline by debootstrap); return its id."""
    client = docker_client()
    if image_exists(client, image) and not force:
        log(f"{image} already exists (use --force to rebuild)")
        return client.images.get(image).id
    if not offline:
        log(f"building {image} from {DOCKERFILE}")
        built, _ = client.images.build(
            path=str(DOCKERFILE.parent), dockerfile=DOCKERFILE.name, tag=image, rm=True
        )
        return built.id
    tarball = rootfs_tarball(log=log, force=force)
    log(f"importing {tarball} as {image}")
    repository, _, tag = image.partition(":")
    client.api.import_image_from_file(
        str(tarball), repository=repository, tag=tag or "latest", changes=IMAGE_CHANGES
    )
    return client.images.get(image).id


def rootfs_tarball(log: Callable[[str], None] = print, force: bool = False) -> Path:
    """Debootstrap the sandbox root file system into a cached tarball (kept between runs)."""
    tarball = CACHE_DIR / f"{SUITE}-python3-rootfs.tar"
    if tarball.exists() and not force:
        log(f"using the cached root file system {tarball}")
        return tarball
    for tool in ("debootstrap", "tar"):
        if shutil.which(tool) is None:
            raise SandboxError(f"`{tool}` is missing; run: apt-get install -y debootstrap")
    if os.geteuid() != 0:
        raise SandboxError("debootstrap needs root; run `protege sandbox build --offline` as root")
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    mirror = apt_mirror()
    with tempfile.TemporaryDirectory(dir=CACHE_DIR) as scratch:
        root = Path(scratch) / "root"
        log(f"debootstrap {SUITE} with python3 from {mirror} (a few minutes)")
        _run(["debootstrap", "--variant=minbase", "--include=python3", SUITE, str(root), mirror])
        _finish_rootfs(root)
        partial = tarball.with_suffix(".partial")
        _run(["tar", "--numeric-owner", "-C", str(root), "-cf", str(partial), "."])
        partial.replace(tarball)
    return tarball


def _finish_rootfs(root: Path) -> None:
    """Add the sandbox user and the work directory, drop caches, docs and apt lists."""
    with open(root / "etc" / "passwd", "a") as passwd:
        passwd.write(f"sandbox:x:{SANDBOX_UID}:{SANDBOX_UID}:sandbox:/work:/bin/sh\n")
    with open(root / "etc" / "group", "a") as group:
        group.write(f"sandbox:x:{SANDBOX_UID}:\n")
    (root / "work").mkdir(exist_ok=True)
    os.chown(root / "work", SANDBOX_UID, SANDBOX_UID)
    for junk in ("var/cache/apt", "var/lib/apt/lists", "usr/share/doc", "usr/share/man"):
        shutil.rmtree(root / junk, ignore_errors=True)
        (root / junk).mkdir(parents=True, exist_ok=True)


def _run(argv: list[str]) -> None:
    completed = subprocess.run(argv, capture_output=True, text=True)
    if completed.returncode != 0:
        tail = (completed.stderr or completed.stdout).strip().splitlines()[-5:]
        raise SandboxError(f"{argv[0]} failed ({completed.returncode}): " + " | ".join(tail))
