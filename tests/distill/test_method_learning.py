"""Every method, trained on-policy on a toy sequence task, reduces the teacher-student KL.

The toy: 3 steps of 2 tokens over a vocabulary of 6. The student is a table of logits per
position (a policy without context); the teacher a fixed distribution per position. Each
update samples 32 sequences from the student, scores them with the teacher and takes Adam
steps on the method's loss, exactly as the trainer calls it. The exact reverse KL, summed over
positions, must fall below a tenth of its starting value within 40 updates.
"""

import pytest
import torch

from protege.distill.batch import MethodInputs
from protege.distill.divergences import reverse_kl
from protege.distill.methods import METHODS

POSITIONS, VOCAB, SAMPLES = 6, 6, 32
STEP_IDS_T = torch.tensor([0, 0, 1, 1, 2, 2])


def _teacher_logp_T_V() -> torch.Tensor:
    generator = torch.Generator().manual_seed(1)
    return torch.log_softmax(3.0 * torch.randn(POSITIONS, VOCAB, generator=generator), dim=-1)


def _inputs(student_logits_T_V, teacher_logp_T_V, generator, method) -> MethodInputs:
    logp_T_V = torch.log_softmax(student_logits_T_V, dim=-1)
    sampler = teacher_logp_T_V if method == "sft" else logp_T_V.detach()  # SFT: expert data
    tokens_B_T = torch.multinomial(sampler.exp().repeat(SAMPLES, 1), 1, generator=generator).view(
        SAMPLES, POSITIONS
    )
    logp_B_T = logp_T_V.expand(SAMPLES, -1, -1).gather(-1, tokens_B_T[..., None])[..., 0]
    teacher_B_T = teacher_logp_T_V.expand(SAMPLES, -1, -1).gather(-1, tokens_B_T[..., None])[..., 0]
    return MethodInputs(
        logp_B_T=logp_B_T,
        old_logp_B_T=logp_B_T.detach(),
        mask_B_T=torch.ones(SAMPLES, POSITIONS),
        step_ids_B_T=STEP_IDS_T.expand(SAMPLES, -1),
        # outcome reward for GRPO: the teacher's log-likelihood of the whole sequence
        rewards_B=teacher_B_T.sum(dim=1),
        group_ids_B=torch.arange(SAMPLES) // 8,
        teacher_logp_B_T=teacher_B_T,
        student_topk_logp_B_T_K=logp_T_V.expand(SAMPLES, -1, -1),
        teacher_topk_logp_B_T_K=teacher_logp_T_V.expand(SAMPLES, -1, -1),
    )


def _exact_kl(student_logits_T_V, teacher_logp_T_V) -> float:
    student = torch.log_softmax(student_logits_T_V, dim=-1)
    return float(reverse_kl(student[None], teacher_logp_T_V[None]).sum())


CASES = {
    "opd": ("opd", {}),
    "opd_gkd": ("opd", {"objective": "gkd", "beta": 0.5}),
    "sod": ("sod", {}),
    "sod_with_grpo": ("sod", {"with_grpo": True}),
    "tcod": ("tcod", {}),
    "skill_sd": ("skill_sd", {}),
    "skill_sd_with_grpo": ("skill_sd", {"with_grpo": True}),
    "opsd": ("opsd", {}),
    "sft": ("sft", {}),
    "grpo": ("grpo", {}),
    "opd_grpo": ("opd_grpo", {"name": "opd_grpo"}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_method_reduces_reverse_kl_on_policy(case):
    name, settings = CASES[case]
    spec = METHODS[name]
    config = spec.config_class(**settings)
    teacher_logp_T_V = _teacher_logp_T_V()
    student_logits_T_V = torch.zeros(POSITIONS, VOCAB, requires_grad=True)
    optimizer = torch.optim.Adam([student_logits_T_V], lr=0.1)
    generator = torch.Generator().manual_seed(0)
    start = _exact_kl(student_logits_T_V.detach(), teacher_logp_T_V)
    for _ in range(40):
        inputs = _inputs(student_logits_T_V, teacher_logp_T_V, generator, name)
        optimizer.zero_grad()
        spec.loss(inputs, config).loss.backward()
        optimizer.step()
    end = _exact_kl(student_logits_T_V.detach(), teacher_logp_T_V)
    assert start > 1.0
    print(f"{case}: KL {start:.3f} -> {end:.3f}")
    assert end < 0.1 * start, f"{case}: KL {start:.3f} -> {end:.3f}"
