"""``protege view``: a static, self-contained HTML viewer of episodes and the teacher's signal.

:func:`write_report` is the library entry point (the CLI and a trainer's periodic hook call it);
:func:`build_report_data` and :func:`render_html` are its two halves.
"""

from protege.view.report import build_report_data, render_html, write_report

__all__ = ["build_report_data", "render_html", "write_report"]
