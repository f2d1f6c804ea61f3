"""Entry point for data-parallel launchers: ``torchrun ... -m protege.distill.launch CONFIG.yaml``.

Each process runs :func:`protege.distill.trainer.train` on the same config; the trainer joins
the process group from the launcher's environment (``WORLD_SIZE``, ``RANK``, ``LOCAL_RANK``).
"""

from __future__ import annotations

import argparse

import torch.distributed as dist

import protege  # noqa: F401  registers environments and plugins
from protege.distill.config import load_config
from protege.distill.trainer import train


def main(argv: list[str] | None = None) -> None:
    """Parse ``CONFIG.yaml [--resume | --overwrite]`` and train."""
    parser = argparse.ArgumentParser(prog="protege.distill.launch", description=__doc__)
    parser.add_argument("config", help="a distill YAML config")
    parser.add_argument("--resume", action="store_true", help="continue from the last checkpoint")
    parser.add_argument(
        "--overwrite", action="store_true", help="remove the run in output_dir and start again"
    )
    args = parser.parse_args(argv)
    train(load_config(args.config), resume=args.resume, overwrite=args.overwrite)
    if dist.is_initialized():
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
