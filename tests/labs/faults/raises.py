import numpy as np


def double(x):
    y = np.ones(3) @ np.ones(4)
    return y * x
