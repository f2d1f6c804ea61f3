"""``protege sandbox``: build the sandbox image and check which backends work."""

from __future__ import annotations

import typer

sandbox_app = typer.Typer(
    name="sandbox", help="Build the code sandbox image and check the sandbox backends."
)


@sandbox_app.command("build")
def build(
    offline: bool = typer.Option(
        False, "--offline", help="Build by debootstrap + docker import, without pulling images."
    ),
    force: bool = typer.Option(False, "--force", help="Rebuild even if the image exists."),
) -> None:
    """Build the image protege-sandbox:py (cached: an existing image is kept)."""
    from protege.sandbox.image import build_image

    # A SandboxError (no engine, a failed build) is a one-line error from the protege group.
    image_id = build_image(offline=offline, force=force, log=typer.echo)
    typer.echo(f"protege-sandbox:py is {image_id}")


@sandbox_app.command("doctor")
def doctor_command() -> None:
    """Report which sandbox backends work on this machine, and why not; exit 1 if none does."""
    from protege.sandbox import doctor

    reports = doctor()
    for report in reports:
        mark = "ok " if report.works else "no "
        typer.echo(f"{mark} {report.backend:<7} {report.detail}")
    if not any(report.works for report in reports):
        raise typer.Exit(1)
