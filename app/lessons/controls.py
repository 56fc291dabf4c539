"""The page's controls a lesson step may hide or lock, by name.

Every experiment config key is one (its menu, slider or checkbox); the rest
are controls of the view that are not config. A name outside this registry is
a typo in a lesson file, caught when the lessons load.
"""

from engine.config import ExperimentConfig

VIEW_CONTROLS = (
    "play",  # the play, pause and step buttons
    "reset",
    "regenerate",  # the button that draws new data
    "speed",  # the speed menu (epochs per frame)
    "show_test",  # the checkbox that shows the test points
    "discretize",  # the checkbox that discretizes the output
    "log_scale",  # the loss chart's log-scale checkbox
    "pair",  # the menus choosing the representation view's axes
    "weights",  # editing a weight or bias by clicking it
)

CONTROLS = (*ExperimentConfig.model_fields, *VIEW_CONTROLS)
