"""TRL's GRPOTrainer trains the tiny model on protege/Household-v1 through environment_factory."""

from __future__ import annotations

import pytest

from protege.integrations.trl import environment_factory, reward_func, train_dataset

trl = pytest.importorskip("trl")
pytest.importorskip("datasets")


def test_the_act_tool_plays_the_task_of_the_row():
    row = train_dataset("protege/Household-v1", split="train", n=1, seed=3)[0]
    env = environment_factory("protege/Household-v1", split="train")()
    first = env.reset(**row)
    assert env.task_id == row["task_id"] and "Admissible commands:" in first
    expert = env._env.unwrapped
    while not env.done:
        result = env.act(expert.expert_action())
    assert env.won and env.score == 1.0 and "the goal is reached" in result
    assert reward_func([env]) == [1.0]
    with pytest.raises(RuntimeError, match=r"^the episode is over; stop calling tools"):
        env.act("look")


def test_an_unknown_command_is_an_observation_not_an_error():
    env = environment_factory("protege/Household-v1", split="train", max_steps=2)()
    env.reset(seed=0)
    assert env.act("fly to the moon")
    assert (env.num_steps, env.won, reward_func([env])) == (1, False, [env.score])


@pytest.mark.slow
def test_grpo_trains_the_tiny_model_on_household(tmp_path, tiny_model_path, monkeypatch):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl.chat_template_utils import qwen3_chat_template

    monkeypatch.setenv("TRL_EXPERIMENTAL_SILENCE", "1")
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_path)
    # SmolLM2's template renders no tool calls; TRL's Qwen3 template (same ChatML tokens) does
    tokenizer.chat_template = qwen3_chat_template
    model = AutoModelForCausalLM.from_pretrained(tiny_model_path)
    before = {name: p.detach().clone() for name, p in model.named_parameters()}
    seen = []

    def recorded_reward(environments, prompts, **kwargs):
        seen.extend((env.task_id, env.num_steps, env.score) for env in environments)
        # reset() appended the task's first observation to the prompt TRL generated from
        assert all("Admissible commands:" in p[-1]["content"] for p in prompts)
        return reward_func(environments, **kwargs)

    def token_id_sum(completion_ids, **kwargs):
        return [float(sum(ids)) for ids in completion_ids]  # differs between any two samples

    dataset = train_dataset("protege/Household-v1", split="train", n=2)
    args = trl.GRPOConfig(
        output_dir=str(tmp_path),
        use_cpu=True,
        bf16=False,
        per_device_train_batch_size=2,
        num_generations=2,
        max_completion_length=8,
        max_steps=1,
        learning_rate=1e-2,
        report_to="none",
        save_strategy="no",
        logging_steps=1,
        max_tool_calling_iterations=2,
    )
    trainer = trl.GRPOTrainer(
        model=model,
        processing_class=tokenizer,
        # random weights never win, and a group with equal rewards has zero advantage and no
        # gradient; a reward that differs within the group makes this one step move the weights
        reward_funcs=[recorded_reward, token_id_sum],
        train_dataset=dataset,
        environment_factory=environment_factory("protege/Household-v1", split="train"),
        args=args,
    )
    assert [tool.__name__ for tool in trainer.tools] == ["act"]
    trainer.train()
    assert trainer.state.global_step == 1
    assert len(seen) == 2 and {task for task, _, _ in seen} <= set(dataset["task_id"])
    changed = [n for n, p in model.named_parameters() if not torch.equal(p, before[n])]
    assert changed, "no weight changed after one GRPO step"
