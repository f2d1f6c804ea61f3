"""Bridges from protege's environments and episodes to other projects' protocols: OpenEnv
servers, Hugging Face ``datasets``, TRL and verifiers.

Each module imports its library through :func:`protege.errors.import_optional`, so a missing
extra is a one-line error naming ``pip install 'protege[...]'``.
"""
