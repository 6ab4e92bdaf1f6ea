"""What a compiled program depends on: shape buckets, the program key, the optimizers.

A grid search fits hundreds of networks that share a handful of shapes, so
feature counts, widths, class counts and row counts are padded up to
*buckets*, and every fit whose :class:`ProgramKey` is equal shares one
compiled program (see ``_programs``). The learning rate, the L2 penalty and
the real sizes are values given to the program, not part of the key.
"""

import functools
from dataclasses import dataclass, replace

from sktoynet._engine._keras import import_keras

keras = import_keras()


#: Widths, feature counts, class counts and row counts are padded up to
#: these buckets, so that a grid over widths 2, 4, 8, the folds of a
#: cross-validation and the final refit share one program, and so do small
#: data sets of 3 to 8 features, or of 3 to 8 classes. Padded rows are never
#: visited (mini-batches index real rows), padded features are zero (their
#: weights get no gradient) and padded classes get a logit of -1e9
#: (probability 0, no gradient), so padding changes no result.
MIN_WIDTH_BUCKET = 8


MIN_FEATURE_BUCKET = 8


MIN_CLASS_BUCKET = 8


MIN_ROW_BUCKET = 4096


#: The feature bucket of data with 1 or 2 features: the toy problems' three
#: bands (1) and two squares (2) share one program, so that the main job
#: compiles once for both. Not 8: padding them to 8 made every epoch 20-40 %
#: slower, where a second feature of zeros costs nothing measurable.
SMALL_FEATURE_BUCKET = 2


def power_of_two_bucket(size, minimum):
    """The smallest power of two that is at least ``size`` and ``minimum``."""
    return max(minimum, 1 << (int(size) - 1).bit_length())


def width_bucket(width):
    """The padded width a program is compiled for: a power of two, at least 8."""
    return power_of_two_bucket(width, MIN_WIDTH_BUCKET)


#: Data of at most this many cells (row bucket x padded features, 4 MB in
#: float32) has its features padded to a bucket. Larger data keeps its feature
#: count: there padding would cost memory and time in every epoch, while a
#: compilation is small beside the training.
MAX_PADDED_CELLS = 2**20


def feature_bucket(n_features, n_rows):
    """The feature count a program is compiled for.

    2 for 1 or 2 features; on small data, a power of two from 8 for more.
    """
    if n_features <= SMALL_FEATURE_BUCKET:
        return SMALL_FEATURE_BUCKET
    padded = power_of_two_bucket(n_features, MIN_FEATURE_BUCKET)
    return padded if row_bucket(n_rows) * padded <= MAX_PADDED_CELLS else int(n_features)


def output_bucket(n_outputs):
    """The output units a program is compiled for: 1 (sigmoid), or a power of two from 8."""
    return 1 if n_outputs == 1 else power_of_two_bucket(n_outputs, MIN_CLASS_BUCKET)


def row_bucket(n_rows, row_values=1):
    """Rows a program is compiled for: the next multiple of a step of rows.

    The step is :data:`MIN_ROW_BUCKET` rows, halved for wide rows (of
    ``row_values`` values each: features times input views) until a step
    holds at most :data:`MAX_PADDED_CELLS` values. Every fit pads its rows
    to the bucket, once as NumPy and once as a tensor, for each fold: 60 rows
    of 5,000 features padded to 4,096 rows took 3 GB, padded to 128 they
    take 15 MB. Data of up to 256 values a row keeps the 4,096-row step.
    """
    step = MIN_ROW_BUCKET
    while step > 1 and step * row_values > MAX_PADDED_CELLS:
        step //= 2
    return max(1, -(-int(n_rows) // step)) * step


#: Optimizers whose step is proportional to the learning rate at a constant
#: rate, so that a per-member program may run them at unit rate and scale each
#: member's step by its own rate (``_epoch_loop.scaled_update``).
#: ``tests/estimators/test_cv.py`` checks each against separate fits at each rate.
PER_MEMBER_OPTIMIZERS = (
    "adam",
    "adamw",
    "adamax",
    "nadam",
    "rmsprop",
    "sgd",
    "adagrad",
    "adadelta",
    "lion",
)


@dataclass(frozen=True)
class ProgramKey:
    """What a compiled program depends on; learning rate and real sizes are not.

    ``per_member`` programs train *members* that differ in more than their
    initialisation (the grid points x folds x restarts of
    :class:`~sktoynet.ToyNetClassifierCV`): each has its own row weights,
    learning rate and width.
    """

    spec: object  # NetworkSpec, with the bucketed width
    optimizer: str
    batch_size: int
    with_validation: bool
    per_member: bool = False

    @classmethod
    def for_fit(cls, spec, optimizer, batch_size, n_rows, with_validation, per_member=False):
        """The key of the program that trains ``spec`` on ``n_rows`` rows.

        A spec with blocks keeps its exact widths: the blocks avoid padding.
        """
        bucketed = replace(
            spec,
            width=spec.width if spec.blocks else width_bucket(spec.width),
            n_features=feature_bucket(spec.n_features, n_rows),
            n_outputs=output_bucket(spec.n_outputs),
        )
        return cls(
            spec=bucketed,
            optimizer=optimizer,
            batch_size=min(batch_size, row_bucket(n_rows, _row_values(bucketed))),
            with_validation=with_validation,
            per_member=per_member,
        )

    def with_members(self, n_members):
        """The key of this program with ``n_members`` members, or None for one with blocks.

        Racing restarts and stopped groups leave a program after each chunk of
        epochs (see ``_training.train_restarts``); the survivors continue on a
        program of a power of two members, so that a fit compiles at most one
        program per power of two. A program with blocks (grid points by width,
        members by input view) cannot be cut that way.
        """
        if self.spec.blocks:
            return None
        return replace(self, spec=replace(self.spec, n_init=int(n_members)))

    def rows(self, n_rows):
        """The rows this program pads ``n_rows`` rows of data to (see :func:`row_bucket`)."""
        return row_bucket(n_rows, _row_values(self.spec))


def _row_values(spec):
    """Values in one row of a program's bound data: its features, for each input view."""
    return max(spec.input_views, 1) * spec.n_features


def make_optimizer(name):
    """A Keras optimizer from its name, with a learning-rate variable."""
    return keras.optimizers.get({"class_name": name, "config": {"learning_rate": 0.01}})


@functools.lru_cache(maxsize=64)
def is_known_optimizer(name):
    """Whether Keras knows an optimizer called ``name``.

    Cached: building an optimizer to find out costs milliseconds, on every
    fit of a grid search. The answer for a name never changes in a process.
    """
    try:
        make_optimizer(name)
    except (ValueError, TypeError):
        return False
    return True
