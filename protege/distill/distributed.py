"""Data-parallel training through ``torch.distributed`` (launch with torchrun or accelerate).

Each process plays its share of the update's tasks, computes gradients on its episodes, and
the gradients are averaged across processes before every optimiser step, so every process
ends each step with the same weights. Backend: NCCL on CUDA, gloo on CPU.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import torch
import torch.distributed as dist


@dataclass(frozen=True)
class World:
    """This process's place among the data-parallel processes."""

    rank: int = 0
    size: int = 1

    @property
    def is_main(self) -> bool:
        """Whether this process logs, evaluates and writes checkpoints."""
        return self.rank == 0


def init_world(device: str) -> World:
    """Join the process group when launched with ``WORLD_SIZE > 1``; else a world of one."""
    size = int(os.environ.get("WORLD_SIZE", "1"))
    if size <= 1:
        return World()
    if not dist.is_initialized():
        backend = "nccl" if device.startswith("cuda") else "gloo"
        dist.init_process_group(backend=backend)
    return World(dist.get_rank(), dist.get_world_size())


def local_device(device: str) -> str:
    """``cuda`` becomes this process's GPU (``cuda:LOCAL_RANK``) under torchrun/accelerate."""
    if device != "cuda" or int(os.environ.get("WORLD_SIZE", "1")) <= 1:
        return device
    local = f"cuda:{int(os.environ.get('LOCAL_RANK', '0'))}"
    torch.cuda.set_device(local)
    return local


def shard(items: Sequence[int], world: World) -> list[int]:
    """This process's share of ``items`` (every ``size``-th, from ``rank``)."""
    return list(items[world.rank :: world.size])


def broadcast_parameters(model: torch.nn.Module, world: World) -> None:
    """Copy rank 0's weights to every process (identical starts)."""
    if world.size == 1:
        return
    for parameter in model.parameters():
        dist.broadcast(parameter.data, src=0)


def average_gradients(model: torch.nn.Module, world: World) -> None:
    """Average the gradients of trainable parameters across processes."""
    if world.size == 1:
        return
    for parameter in model.parameters():
        if parameter.requires_grad:
            if parameter.grad is None:
                parameter.grad = torch.zeros_like(parameter)
            dist.all_reduce(parameter.grad, op=dist.ReduceOp.SUM)
            parameter.grad /= world.size


def average_scalars(
    values: dict[str, float], keys: Sequence[str], world: World
) -> dict[str, float]:
    """Average the named scalars across processes (other keys stay this process's)."""
    if world.size == 1:
        return values
    present = [key for key in keys if key in values]
    tensor = torch.tensor([values[key] for key in present], dtype=torch.float64)
    dist.all_reduce(tensor, op=dist.ReduceOp.SUM)
    return {
        **values,
        **{key: float(v) / world.size for key, v in zip(present, tensor, strict=True)},
    }


def barrier(world: World) -> None:
    """Wait for every process."""
    if world.size > 1:
        dist.barrier()
