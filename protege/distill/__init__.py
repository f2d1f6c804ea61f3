"""On-policy distillation: teacher scoring, divergences, methods, and one trainer loop.

- :mod:`protege.distill.scoring` — the teacher's log-probability of each student action token,
  one forward pass per distinct context (transformers on CPU/CUDA, or vLLM);
- :mod:`protege.distill.divergences` — k1/k2/k3, full or top-k KL, GKD's generalised JSD;
- :mod:`protege.distill.methods` — OPD (and GKD), SOD, TCOD, Skill-SD, OPSD, SFT, GRPO,
  OPD+GRPO, looked up by name;
- :mod:`protege.distill.trainer` — roll out, score, optimise, log, evaluate, checkpoint;
- :mod:`protege.distill.cli` — ``protege distill CONFIG.yaml`` and ``protege distill score``.

Importing this package loads nothing heavy; torch and transformers come with the submodules.
"""
