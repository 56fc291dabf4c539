"""The scripts a trained model can be downloaded as, in a registry by name.

Each entry renders a model (app/model_file.py's ``ModelFile``; ``capture``
takes one from a trainer) into the text of a standalone program.
docs/formats.md describes what each script holds.
"""

from collections.abc import Callable
from dataclasses import dataclass

from app.model_file import ModelFile
from app.numpy_script import render_numpy
from app.torch_script import render_torch
from engine.registry import lookup


@dataclass(frozen=True)
class ScriptFormat:
    name: str
    label: str  # how the page's download menu names it
    extension: str
    render: Callable[[ModelFile], str]

    @property
    def filename(self) -> str:
        return f"nn_playground_{self.name}.{self.extension}"


SCRIPTS: dict[str, ScriptFormat] = {
    s.name: s
    for s in [
        ScriptFormat("numpy", "Python script (NumPy)", "py", render_numpy),
        ScriptFormat("pytorch", "Python script (PyTorch)", "py", render_torch),
    ]
}


def get_script(name: str) -> ScriptFormat:
    """Look a script format up by name; unknown names list the valid ones."""
    return lookup(SCRIPTS, name, "script")


def render_script(name: str, model: ModelFile) -> str:
    """The text of the named script for a model."""
    return get_script(name).render(model)
