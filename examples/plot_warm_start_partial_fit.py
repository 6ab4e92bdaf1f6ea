"""
=====================================================
Continuing a network: warm_start and partial_fit
=====================================================

Users of MLPClassifier, scikeras and skorch continue a trained network in two
ways, and :class:`~sktoynet.ToyNetClassifier` offers both:

- ``warm_start=True``: the next ``fit`` starts from the kept network's weights
  instead of new random ones;
- ``partial_fit``: one epoch over the rows it is given, the optimizer state
  kept between calls, for data that arrives in chunks.

Both run the compiled program that ``fit`` uses. ``alpha``, an L2 penalty on
the weights, completes the set of things MLPClassifier users expect.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from sktoynet import ToyNetClassifier
from sktoynet.datasets import make_two_squares

X, y = make_two_squares(random_state=0)
X = StandardScaler().fit_transform(X)

# %%
# A warm start continues where the last fit stopped
# -------------------------------------------------
#
# A first fit of 10 epochs is cut short on purpose (it warns that it did not
# converge). With ``warm_start=True``, a second fit continues the kept network:
# its loss curve picks up where the first one ended, instead of starting again
# from the loss of random weights.

with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    net = ToyNetClassifier(learning_rate=0.01, epochs=10, tol=0.0, random_state=0).fit(X, y)
    first_curve = list(net.loss_curve_)
    net.set_params(warm_start=True, epochs=20).fit(X, y)
print(f"first fit ends at {first_curve[-1]:.4f}; the warm start begins at {net.loss_curve_[0]:.4f}")

# %%
# partial_fit on a stream of chunks
# ---------------------------------
#
# Here the 400 rows arrive in 4 chunks of 100, and the stream is read 5 times:
# 20 calls. The first call needs every class (``classes``); each call is one
# epoch over its chunk.

stream = ToyNetClassifier(learning_rate=0.01, random_state=0)
chunks = np.array_split(np.random.RandomState(0).permutation(len(y)), 4)
accuracy = []
for call in range(20):
    chunk = chunks[call % 4]
    stream.partial_fit(X[chunk], y[chunk], classes=np.unique(y) if call == 0 else None)
    accuracy.append(stream.score(X, y))
print("accuracy on all rows after calls 1, 5, 10, 20:", [accuracy[i] for i in (0, 4, 9, 19)])

fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.2))
left.plot(range(1, 11), first_curve, label="first fit")
left.plot(range(11, 11 + len(net.loss_curve_)), net.loss_curve_, label="warm start")
left.set_xlabel("epoch")
left.set_ylabel("training loss")
left.set_yscale("log")
left.set_title("warm_start=True")
left.legend()
right.plot(range(1, 21), stream.loss_curve_, marker="o")
right.set_xlabel("partial_fit call")
right.set_ylabel("training loss of the call's chunk")
right.set_yscale("log")
right.set_title("partial_fit, chunks of 100 rows")
fig.tight_layout()

# %%
# A larger ``alpha`` gives smaller weights
# ----------------------------------------
#
# The L2 penalty ``0.5 * alpha * sum of squared weights / n_samples`` is
# MLPClassifier's. The weights shrink as ``alpha`` grows, and the compiled
# program is shared by every value.

for alpha in (0.0, 0.1, 1.0, 10.0):
    fitted = ToyNetClassifier(alpha=alpha, random_state=0).fit(X, y)
    norm = sum(float((coef**2).sum()) for coef in fitted.coefs_)
    print(f"alpha={alpha:<5} sum of squared weights {norm:7.2f}  accuracy {fitted.score(X, y)}")
