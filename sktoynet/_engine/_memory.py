"""The size guard: refuse a fit that cannot fit in memory, before allocating it.

A hidden layer of a million units trains, but its activations take
``batch_size x n_init x width`` floats several times over: on a 24 GB
machine such a fit ran for minutes and took 21 GB before anything said
no. So a fit first estimates what it will need from its shape bucket (see
``_programs``) and compares it with the memory the system has available.
Where the backend runs out of memory all the same, the error it raises is
turned into a :class:`MemoryError` that says which parameters to lower.

The estimate was fitted to peak resident memory measured on TensorFlow:
2.2 to 3.2 times the hidden activations of one batch, plus the weights, the
optimizer state and the gradients (and their copies) and the padded data.
It errs on the high side. A fit may use at most ``USABLE_SHARE`` of the
memory available, so that the machine keeps room for everything else: a
million hidden units on the 400-row toy problem (about 21 GB, measured)
is refused on a 24 GB machine.
"""

import os

#: Share of the available memory that one fit may plan to use.
USABLE_SHARE = 0.8

#: Bytes per float32.
FLOAT_BYTES = 4

#: Copies of one batch's hidden activations alive at the peak of a step
#: (pre-activation, activation, masked output and their gradients): measured
#: peaks were 2.2 to 3.2 times the activations, so 4 errs on the high side.
ACTIVATION_COPIES = 4

#: Copies of the weights: the weights, the two Adam moments, the gradients
#: and temporaries of the update.
WEIGHT_COPIES = 6


def estimate_fit_bytes(key, n_rows):
    """Peak memory, in bytes, of a fit that trains with program ``key`` on ``n_rows`` rows."""
    from sktoynet._engine._forward import MAX_CHUNK_ROWS, MAX_HIDDEN_ELEMENTS

    spec = key.spec
    width, n_features, n_outputs, n_init = spec.width, spec.n_features, spec.n_outputs, spec.n_init
    # Member-units: with blocks, each block's members at their own width.
    units = sum(n * w for n, w in spec.blocks) if spec.blocks else n_init * width
    weights = units * (n_features + 1 + n_outputs) + n_init * n_outputs
    activations = key.batch_size * (units + n_init * n_outputs)
    views = max(spec.input_views, 1)
    # The bound data and one epoch's gather.
    data = key.rows(n_rows) * (views * n_features + 2) * 2
    if key.per_member:
        # Each member's row weights (and validation weights), bound and gathered.
        data += key.rows(n_rows) * n_init * (4 if key.with_validation else 2)
    training = FLOAT_BYTES * (WEIGHT_COPIES * weights + ACTIVATION_COPIES * activations + data)
    # The fitted network's forward pass, in float64, over chunks of rows.
    chunk_rows = max(1, min(n_rows, MAX_CHUNK_ROWS, MAX_HIDDEN_ELEMENTS // width))
    predicting = 2 * 8 * chunk_rows * width
    return training + predicting


def available_bytes():
    """Memory the system can give this process now, in bytes (None when unknown)."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # not on this platform
        return None


def format_bytes(n_bytes):
    """``"21.7 GB"``, ``"350 MB"``."""
    if n_bytes >= 10**9:
        return f"{n_bytes / 10**9:.1f} GB"
    return f"{n_bytes / 10**6:.0f} MB"


def check_fit_fits_in_memory(estimator, key, n_rows, n_features):
    """Raise ValueError, naming the parameters, when a fit needs more memory than there is."""
    needed = estimate_fit_bytes(key, n_rows)
    available = available_bytes()
    if available is None or needed <= USABLE_SHARE * available:
        return
    raise ValueError(
        f"{type(estimator).__name__}(width={estimator.width}, n_init={estimator.n_init}, "
        f"batch_size={estimator.batch_size!r}) on {n_rows} rows x {n_features} features needs "
        f"about {format_bytes(needed)} of memory to train, more than "
        f"{USABLE_SHARE:.0%} of the {format_bytes(available)} available. "
        "Lower width, n_init or batch_size: "
        "the hidden layer's activations take about batch_size x n_init x width x "
        f"{FLOAT_BYTES * ACTIVATION_COPIES} bytes."
    )


def members_per_chunk(n_points, members_per_point, bytes_for_members):
    """How many grid points to train at once so that a chunk fits in memory.

    ``bytes_for_members(n)`` estimates the peak memory of one program that
    trains ``n`` members. Returns ``n_points`` when the whole grid fits, the
    largest number of points that fits otherwise, and 0 when not even one
    point does (or memory is unknown: then ``n_points``).
    """
    available = available_bytes()
    if available is None:
        return n_points
    budget = USABLE_SHARE * available
    low, high = 0, n_points  # low fits (or is 0); find the largest that fits
    while low < high:
        middle = (low + high + 1) // 2
        if bytes_for_members(middle * members_per_point) <= budget:
            low = middle
        else:
            high = middle - 1
    return low


def grid_too_large_error(estimator, n_members, needed, n_rows, n_features):
    """The ValueError for a grid of which not even one point fits in memory."""
    available = available_bytes()
    return ValueError(
        f"{type(estimator).__name__}(widths={estimator.widths!r}, n_init={estimator.n_init}, "
        f"batch_size={estimator.batch_size!r}) on {n_rows} rows x {n_features} features needs "
        f"about {format_bytes(needed)} of memory for one grid point ({n_members} networks: "
        f"its folds x n_init), more than {USABLE_SHARE:.0%} of the "
        f"{format_bytes(available)} available. Lower the largest width, n_init, cv or "
        "batch_size."
    )


def is_out_of_memory(error):
    """Whether ``error`` is the backend (or NumPy) running out of memory."""
    return (
        isinstance(error, MemoryError)
        or type(error).__name__ == "ResourceExhaustedError"  # TensorFlow
        or "RESOURCE_EXHAUSTED" in str(error)  # XLA on JAX
    )


def out_of_memory_error(estimator, n_rows, n_features):
    """The MemoryError a user gets instead of the backend's out-of-memory trace."""
    return MemoryError(
        f"{type(estimator).__name__} ran out of memory while training "
        f"(width={estimator.width}, n_init={estimator.n_init}, "
        f"batch_size={estimator.batch_size!r}, {n_rows} rows x {n_features} features). "
        "Lower width, n_init or batch_size; the estimator was left as it was before fit."
    )
