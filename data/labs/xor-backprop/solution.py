"""Lab xor-backprop: backpropagation for a 2-3-1 sigmoid network, checked, trained on XOR.

Reference solution.
"""

import numpy as np

XOR_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_TARGETS = np.array([[0.0], [1.0], [1.0], [0.0]])
NAMES = ("W1", "b1", "W2", "b2")


def sigmoid(z):
    """The logistic function (given)."""
    return 1.0 / (1.0 + np.exp(-z))


def init_params(n_hidden=3, seed=0):
    """Random starting parameters (given): W1 (n_hidden, 2), b1 (n_hidden,), W2 (1, n_hidden), b2 (1,)."""
    rng = np.random.default_rng(seed)
    return {
        "W1": rng.normal(size=(n_hidden, 2)),
        "b1": rng.normal(size=n_hidden),
        "W2": rng.normal(size=(1, n_hidden)),
        "b2": rng.normal(size=1),
    }


def forward(X, params):
    """(H, Y): hidden activations (m, n_hidden) and outputs (m, 1) for the rows of X (m, 2)."""
    H = sigmoid(X @ params["W1"].T + params["b1"])
    Y = sigmoid(H @ params["W2"].T + params["b2"])
    return H, Y


def loss(Y, T):
    """E = ½ Σ (Y - T)² over every example, a float."""
    return float(0.5 * np.sum((Y - T) ** 2))


def backward(X, T, params):
    """dE/dparam for each parameter: a dict with the keys and shapes of params."""
    H, Y = forward(X, params)
    dY = (Y - T) * Y * (1 - Y)  # dE/dnet of the output, (m, 1)
    dH = (dY @ params["W2"]) * H * (1 - H)  # dE/dnet of the hidden layer, (m, n_hidden)
    return {
        "W1": dH.T @ X,
        "b1": dH.sum(axis=0),
        "W2": dY.T @ H,
        "b2": dY.sum(axis=0),
    }


def numerical_gradients(X, T, params, h=1e-5):
    """Central-difference gradients of loss(forward(X, params)[1], T) (given, for checking)."""
    grads = {}
    for name in NAMES:
        value = params[name]
        grad = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            saved = value[index]
            value[index] = saved + h
            plus = loss(forward(X, params)[1], T)
            value[index] = saved - h
            minus = loss(forward(X, params)[1], T)
            value[index] = saved
            grad[index] = (plus - minus) / (2 * h)
        grads[name] = grad
    return grads


def train(X, T, params, learning_rate=1.0, epochs=2000):
    """Full-batch gradient descent; returns (trained params, losses).

    losses has one value per epoch: the loss of that epoch's forward pass, before its update.
    The params passed in are not changed.
    """
    params = {name: value.copy() for name, value in params.items()}
    losses = []
    for _ in range(epochs):
        losses.append(loss(forward(X, params)[1], T))
        grads = backward(X, T, params)
        params = {name: params[name] - learning_rate * grads[name] for name in NAMES}
    return params, np.array(losses)


def predict(X, params):
    """The class of each row, 1 where the output is above 0.5, else 0: ints of shape (m,)."""
    return (forward(X, params)[1] > 0.5).astype(int).ravel()
