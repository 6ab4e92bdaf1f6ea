"""What several of the comparison tests build: small models and tables."""

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def logistic():
    return make_pipeline(StandardScaler(), LogisticRegression())


def people(n_rows=120, seed=0):
    rng = np.random.RandomState(seed)
    city = rng.choice(["Paris", "Lyon", "Nice"], n_rows)
    frame = pd.DataFrame(
        {
            "city": city,
            "member": rng.rand(n_rows) < 0.5,
            "joined": pd.date_range("2020-01-01", periods=n_rows).strftime("%Y-%m-%d"),
            "age": np.where(rng.rand(n_rows) < 0.1, np.nan, rng.uniform(18, 80, n_rows)),
        }
    )
    frame.loc[::17, "city"] = None
    return frame, np.where(frame["city"] == "Paris", "yes", "no")
