"""``protege/Code-v0``: write a small Python function or class in a sandbox; hidden tests score it.

Actions are tool calls (see :mod:`protege.envs.code.actions`): ``write_file(path, content)``,
``read_file(path)``, ``run(command)``, ``python(code)`` and ``submit()``, as JSON or as text.
The observation is the tool's output, cut with a marker past ``max_observation_chars``.
``submit()`` runs the hidden tests inside the sandbox and ends the episode: reward and score
are the fraction of tests passed, and the task is won when all pass.

``admissible_actions`` is a short menu of ready-to-use calls (read the solution file, list
the directory, run the visible example, write an empty solution file, submit). The action set
is open: any call of the five tools is accepted, and the menu only shows the shapes.

The sandbox backend is a make kwarg: ``backend="docker"`` (a container per episode from a
warm pool), ``"local"`` (bubblewrap) or ``"auto"`` (Docker when the engine and image are
there, else bubblewrap). Each ``reset`` starts a fresh sandbox; the previous one is removed.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any, ClassVar

from protege.envs.code.actions import ParseError, ToolCall, parse_action
from protege.envs.code.tasks import (
    HARNESS,
    SOLUTION_FILE,
    TASK_TYPES,
    CodeTask,
    harness_input,
    load_tasks,
    parse_harness_output,
)
from protege.envs.core import TextEnv
from protege.sandbox import ExecResult, Sandbox, SandboxError, resolve_backend

TOOL_HELP = (
    "Tools (one call per action): write_file(path, content), read_file(path), run(command), "
    'python(code), submit(). JSON works too: {"name": "run", "arguments": {"command": "ls"}}. '
    "submit() runs hidden tests on your solution and ends the episode."
)


class CodeEnv(TextEnv):
    """Multi-turn coding in a sandbox, scored by hidden unit tests."""

    family = "code"
    task_types: ClassVar[tuple[str, ...]] = TASK_TYPES
    default_max_steps = 20

    def __init__(
        self,
        split: str = "train",
        task_type: str | None = None,
        max_steps: int | None = None,
        render_mode: str | None = None,
        backend: str = "auto",
        pool_size: int = 2,
        command_timeout_s: float = 10.0,
        submit_timeout_s: float = 30.0,
        max_observation_chars: int = 4000,
    ) -> None:
        """Beyond the :class:`TextEnv` arguments:

        Args:
            backend: ``"docker"``, ``"local"`` (bubblewrap) or ``"auto"``.
            pool_size: started containers kept ready per process (Docker); use about the
                number of environments that reset at the same time.
            command_timeout_s: limit of one ``run``/``python``/file command.
            submit_timeout_s: limit of the hidden-test run on ``submit()``.
            max_observation_chars: longer observations are cut with a marker.
        """
        super().__init__(split, task_type, max_steps, render_mode)
        self.backend = resolve_backend(backend)
        self.pool_size = pool_size
        self.command_timeout_s = command_timeout_s
        self.submit_timeout_s = submit_timeout_s
        self.max_observation_chars = max_observation_chars
        self.sandbox: Sandbox | None = None
        self.task: CodeTask | None = None
        self._tasks = {
            task.task_id: task
            for task in load_tasks(split)
            if task_type is None or task.task_type == task_type
        }
        self._fraction = 0.0
        self._expert_stage = 0

    # ----------------------------------------------------------------- TextEnv hooks

    def task_ids(self) -> Sequence[str]:
        return list(self._tasks)

    def _reset_task(self, task_id: str) -> str:
        self.task = self._tasks[task_id]
        self._fraction = 0.0
        self._expert_stage = 0
        self._close_sandbox()
        self.sandbox = self._new_sandbox()
        return f"{self.task.goal()}\n\n{TOOL_HELP}"

    def _step(self, action: str) -> tuple[str, float, bool]:
        try:
            call = parse_action(action)
        except ParseError as error:
            return str(error), 0.0, False
        self._track_expert(call)
        try:
            if call.name == "submit":
                return self._submit()
            return self._run_tool(call), 0.0, False
        except SandboxError as error:
            return f"The sandbox failed: {error}", 0.0, False

    def goal(self) -> str:
        assert self.task is not None
        return self.task.goal()

    def current_task_type(self) -> str:
        assert self.task is not None
        return self.task.task_type

    def admissible_actions(self) -> list[str]:
        example = self.task.example_code if self.task else "print(1)"
        return [
            f"read_file({SOLUTION_FILE!r})",
            'run("ls")',
            ToolCall("python", {"code": example}).text(),
            f'write_file({SOLUTION_FILE!r}, "")',
            "submit()",
        ]

    def won(self) -> bool:
        return self._fraction >= 1.0

    def score(self) -> float:
        return self._fraction

    def expert_action(self) -> str:
        """Write the reference solution (again, if anything may have changed it), run the
        visible example, submit."""
        assert self.task is not None
        if self._expert_stage == 0:
            return ToolCall(
                "write_file", {"path": SOLUTION_FILE, "content": self.task.reference}
            ).text()
        if self._expert_stage == 1:
            return ToolCall("python", {"code": self.task.example_code}).text()
        return "submit()"

    def extra_info(self) -> dict[str, Any]:
        return {"backend": self.backend}

    def close(self) -> None:
        """Remove the episode's sandbox."""
        self._close_sandbox()
        super().close()

    # ----------------------------------------------------------------- internals

    def _new_sandbox(self) -> Sandbox:
        if self.backend == "docker":
            from protege.sandbox.pool import shared_pool

            return shared_pool(size=self.pool_size).acquire(timeout_s=self.command_timeout_s)
        from protege.sandbox.local import LocalSandbox

        return LocalSandbox(timeout_s=self.command_timeout_s)

    def _close_sandbox(self) -> None:
        if self.sandbox is not None:
            self.sandbox.close_in_background()  # type: ignore[attr-defined]
            self.sandbox = None

    def _track_expert(self, call: ToolCall) -> None:
        """Follow whether the reference is in place and the example ran since (expert state)."""
        assert self.task is not None
        if call.name == "write_file":
            is_reference = (
                call.arguments["path"].strip().removeprefix("./") == SOLUTION_FILE
                and call.arguments["content"] == self.task.reference
            )
            self._expert_stage = 1 if is_reference else 0
        elif call.name == "python" and call.arguments["code"] == self.task.example_code:
            self._expert_stage = 2 if self._expert_stage >= 1 else 0
        elif call.name in ("run", "python"):
            self._expert_stage = 0  # a command may have changed the file

    def _run_tool(self, call: ToolCall) -> str:
        assert self.sandbox is not None
        args = call.arguments
        if call.name == "write_file":
            result = self.sandbox.write_file(args["path"], args["content"])
            if result.ok:
                return f"Wrote {len(args['content'].encode())} bytes to {args['path']}."
            return self._describe(result, f"write_file({args['path']!r}) failed")
        if call.name == "read_file":
            result = self.sandbox.read_file(args["path"])
            if result.ok:
                return self._cut(result.stdout) if result.stdout else f"{args['path']} is empty."
            return self._describe(result, f"read_file({args['path']!r}) failed")
        if call.name == "run":
            return self._describe(self.sandbox.exec(args["command"]))
        return self._describe(self.sandbox.exec(["python3", "-"], stdin=args["code"]))

    def _submit(self) -> tuple[str, float, bool]:
        assert self.sandbox is not None and self.task is not None
        nonce = secrets.token_hex(8)
        result = self.sandbox.exec(
            ["python3", "-c", HARNESS],
            stdin=harness_input(self.task, nonce),
            timeout=self.submit_timeout_s,
        )
        outcome = parse_harness_output(result.stdout, nonce)
        if outcome is None:
            self._fraction = 0.0
            return self._describe(result, "The hidden tests did not finish; score 0"), 0.0, True
        passed, total = int(outcome["passed"]), max(int(outcome["total"]), 1)
        self._fraction = passed / total
        lines = [f"Submitted. {passed}/{total} hidden tests passed."]
        lines += [f"  {failure}" for failure in outcome["failures"][:3]]
        return "\n".join(lines), self._fraction, True

    def _describe(self, result: ExecResult, headline: str = "") -> str:
        """The observation for a command: status line, stdout, stderr; never empty."""
        if result.timed_out:
            status = f"[killed: the command ran past its {self.command_timeout_s:g} s timeout]"
        elif result.exit_code == 137:
            status = "[killed (SIGKILL): most likely the sandbox's memory limit was exceeded]"
        else:
            status = f"[exit code {result.exit_code}]"
        if result.truncated:
            status += " [output truncated: the command was stopped]"
        parts = [f"{headline} {status}".strip()]
        if result.stdout:
            parts.append(result.stdout.rstrip("\n"))
        if result.stderr:
            parts.append("[stderr]\n" + result.stderr.rstrip("\n"))
        return self._cut("\n".join(parts))

    def _cut(self, text: str) -> str:
        limit = self.max_observation_chars
        if len(text) <= limit:
            return text
        return text[:limit] + f"\n[... observation truncated: {len(text) - limit} more characters]"
