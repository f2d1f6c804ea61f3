"""Bridges to other libraries: Hugging Face ``datasets``, TRL and verifiers.

Each submodule imports its library through :func:`protege.errors.import_optional`, so a missing
extra is a one-line error naming ``pip install 'protege[...]'``.
"""
