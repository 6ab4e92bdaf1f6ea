"""The training engine: the only layer that imports Keras at module level.

Networks of one hidden layer, many trained together in one compiled
program (TensorFlow or JAX), the epoch loop, the memory guard, and a NumPy
forward pass for predictions. Knows nothing of scikit-learn's estimators.
"""
