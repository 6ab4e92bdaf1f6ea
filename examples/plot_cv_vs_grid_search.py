"""
==========================================================
ToyNetClassifierCV: a whole grid search in one program
==========================================================

:class:`~sktoynet.ToyNetClassifierCV` chooses the learning rate and the width
by cross-validation, as :class:`~sklearn.linear_model.LogisticRegressionCV`
chooses ``C``. Where ``GridSearchCV(make_toynet())`` fits one network per grid
point and fold, one after the other, it trains all of them (and the refits,
times ``n_init`` restarts) together in one compiled program, each with its own
learning rate, width, rows and stopping rule.

Here both search the same 3 x 3 grid on the same five folds of the two-squares
problem. Their held-out scores agree grid point by grid point (statistically:
the networks start from different random weights), and the timings show what
one program saves. The first search of each kind in a process also compiles
its program; it is timed apart from a second, warm, search.
"""

import time
import warnings

import matplotlib.pyplot as plt
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from sktoynet import make_toynet, make_toynet_cv
from sktoynet.datasets import make_two_squares
from sktoynet.plotting import plot_score_heatmap

X, y = make_two_squares(random_state=0)
folds = StratifiedKFold(5, shuffle=True, random_state=0)
learning_rates, widths = [0.001, 0.01, 0.1], [2, 4, 8]

searches = {
    "make_toynet_cv()": lambda: make_toynet_cv(
        learning_rates=learning_rates, widths=widths, cv=folds, random_state=0
    ),
    "GridSearchCV(make_toynet())": lambda: GridSearchCV(
        make_toynet(random_state=0),
        {"toynetclassifier__learning_rate": learning_rates, "toynetclassifier__width": widths},
        cv=folds,
    ),
}

# %%
# Time each search twice: the first call compiles, the second is warm.
fitted, timings = {}, {}
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)  # the 0.001 rate is slow on purpose
    for name, build in searches.items():
        timings[name] = []
        for _ in range(2):
            start = time.perf_counter()
            fitted[name] = build().fit(X, y)
            timings[name].append(time.perf_counter() - start)

for name, (first, warm) in timings.items():
    print(f"{name:28s} first call {first:5.2f} s, warm {warm:5.2f} s")

# %%
# The best grid point and the held-out scores of both searches.
cv_network = fitted["make_toynet_cv()"][-1]
grid_search = fitted["GridSearchCV(make_toynet())"]
print("ToyNetClassifierCV best:", cv_network.best_params_, f"{cv_network.best_score_:.3f}")
print("GridSearchCV best:      ", grid_search.best_params_, f"{grid_search.best_score_:.3f}")

fig, axes = plt.subplots(1, 2, figsize=(10, 4))
plot_score_heatmap(cv_network.cv_results_, ax=axes[0], title="ToyNetClassifierCV")
plot_score_heatmap(grid_search.cv_results_, ax=axes[1], title="GridSearchCV(make_toynet())")
fig.tight_layout()
plt.show()
