"""Load a pure module of the repository (the addon's arithmetic, a bin/
tool) from its file, for the pure tests: importing the addon package would
import Odoo."""
import importlib.util
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load(path, name=None):
    """The module at ``path``, relative to the repository's root."""
    name = name or os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(
        name, os.path.join(ROOT, path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
