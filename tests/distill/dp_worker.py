"""One data-parallel process for test_distributed: train, then save this rank's weights."""

from __future__ import annotations

import sys

import torch

import tests.conftest  # noqa: F401  registers the Counter env
from protege.distill.checkpoint import trainable_state
from protege.distill.config import load_config
from protege.distill.trainer import fit, setup


def main(config_path: str, out_dir: str) -> None:
    torch.set_num_threads(1)
    run = setup(load_config(config_path))
    fit(run)
    torch.save(trainable_state(run.student), f"{out_dir}/weights_rank{run.world.rank}.pt")
    torch.distributed.destroy_process_group()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
