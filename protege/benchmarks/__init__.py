"""Speed benchmarks' measuring code, shared by ``benchmarks/*.py`` and ``protege bench``."""
