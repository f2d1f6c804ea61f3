"""Bridges from protege's environments to other projects' protocols.

Each module imports its optional dependency on import and names the extra to install when it
is missing (``openenv``: ``pip install 'protege[openenv]'``).
"""
