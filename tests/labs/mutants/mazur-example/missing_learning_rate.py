"""Mutant: update subtracts the whole gradient, forgetting the learning rate."""

import numpy as np

# Mazur's network (given). W1[j, i] is the weight from input i to hidden neuron j.
INPUTS = np.array([0.05, 0.10])
TARGETS = np.array([0.01, 0.99])
START_W1 = np.array([[0.15, 0.20], [0.25, 0.30]])  # [[w1, w2], [w3, w4]]
START_W2 = np.array([[0.40, 0.45], [0.50, 0.55]])  # [[w5, w6], [w7, w8]]
B1 = 0.35
B2 = 0.60
LEARNING_RATE = 0.5


def sigmoid(z):
    """The logistic function (given)."""
    return 1.0 / (1.0 + np.exp(-z))


def forward(x, W1, b1, W2, b2):
    """(out_h, out_o): the hidden and output activations for the input vector x."""
    out_h = sigmoid(W1 @ x + b1)
    out_o = sigmoid(W2 @ out_h + b2)
    return out_h, out_o


def total_error(target, out_o):
    """E = Σ ½ (target - out_o)², a float."""
    return float(np.sum(0.5 * (target - out_o) ** 2))


def gradients(x, target, W1, b1, W2, b2):
    """(dW1, dW2): dE/dW1 and dE/dW2, of the shapes of W1 and W2."""
    out_h, out_o = forward(x, W1, b1, W2, b2)
    delta_o = (out_o - target) * out_o * (1 - out_o)  # dE/dnet_o
    dW2 = np.outer(delta_o, out_h)
    delta_h = (W2.T @ delta_o) * out_h * (1 - out_h)  # dE/dnet_h, through the original W2
    dW1 = np.outer(delta_h, x)
    return dW1, dW2


def update(x, target, W1, b1, W2, b2, learning_rate=LEARNING_RATE):
    """One step of gradient descent: the new (W1, W2). Biases are not updated."""
    dW1, dW2 = gradients(x, target, W1, b1, W2, b2)
    return W1 - dW1, W2 - dW2


def train(steps, learning_rate=LEARNING_RATE):
    """From Mazur's weights: `steps` times a forward pass, its total error, an update.

    Returns an array of the `steps` errors, each computed before that step's update.
    """
    W1, W2 = START_W1.copy(), START_W2.copy()
    errors = []
    for _ in range(steps):
        _, out_o = forward(INPUTS, W1, B1, W2, B2)
        errors.append(total_error(TARGETS, out_o))
        W1, W2 = update(INPUTS, TARGETS, W1, B1, W2, B2, learning_rate)
    return np.array(errors)
