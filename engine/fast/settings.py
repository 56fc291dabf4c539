"""A config and optimizer as the two small arrays the kernels read.

numba checks the type of every argument on every call, so the config's
choices and hyperparameters travel as two arrays, each checked once, rather
than as a dozen numbers: ``settings`` (int64) holds the kernel codes of the
loss, the penalty and the optimizer, and the batch size; ``hyper`` (float64)
holds the learning rate, the penalty rate, the dropout rate, the optimizer's
hyperparameters and the output's decision threshold. The names below index
them. Everything comes from the config (and the optimizer object the config
named), so each hyperparameter reaches the kernels by this one route.
"""

import numpy as np

from engine.activations import get_activation
from engine.config import ExperimentConfig
from engine.fast.optimizers import optimizer_state
from engine.losses import get_loss
from engine.optimizers import Optimizer
from engine.regularization import REGULARIZERS

Array = np.ndarray

LOSS, PENALTY, OPTIMIZER, BATCH_SIZE = range(4)
# BETA1: momentum's beta, RMSProp's rho, Adam's beta1; BETA2: Adam's beta2;
# EPS: RMSProp's and Adam's epsilon (unused entries are 0).
LR, PENALTY_RATE, DROPOUT, BETA1, BETA2, EPS, THRESHOLD = range(7)


def pack(config: ExperimentConfig, optimizer: Optimizer) -> tuple[Array, Array]:
    """(settings, hyper) for the kernels, from the config and its optimizer."""
    settings = np.array(
        [
            get_loss(config.loss, config.classes).code,
            REGULARIZERS[config.regularization].code,
            optimizer.code,
            config.batch_size,
        ],
        dtype=np.int64,
    )
    _, _, (beta1, beta2, eps) = optimizer_state(optimizer)
    hyper = np.array(
        [
            config.learning_rate,
            config.regularization_rate,
            config.dropout,
            beta1,
            beta2,
            eps,
            _threshold(config),
        ]
    )
    return settings, hyper


def _threshold(config: ExperimentConfig) -> float:
    """The output's decision threshold; NaN for softmax, whose rule is the argmax."""
    threshold = get_activation(config.output_activation).threshold
    return float("nan") if threshold is None else threshold
