"""Lab mazur-example: Matt Mazur's step-by-step backpropagation example, exactly.

Replace each `raise NotImplementedError` with your code, then run
`studyplan lab check mazur-example`.
"""

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
    # TODO: net_h = W1 @ x + b1, out_h = sigmoid(net_h)
    # TODO: net_o = W2 @ out_h + b2, out_o = sigmoid(net_o)
    raise NotImplementedError("TODO: forward")


def total_error(target, out_o):
    """E = Σ ½ (target - out_o)², a float."""
    # TODO: sum the squared errors, each with its factor ½
    raise NotImplementedError("TODO: total_error")


def gradients(x, target, W1, b1, W2, b2):
    """(dW1, dW2): dE/dW1 and dE/dW2, of the shapes of W1 and W2."""
    # TODO: a forward pass
    # TODO: delta_o = dE/dnet_o = (out_o - target) * out_o * (1 - out_o); dW2 = outer(delta_o, out_h)
    # TODO: delta_h = (each hidden neuron's share of the output deltas, through W2)
    # TODO:           * out_h * (1 - out_h); dW1 = outer(delta_h, x)
    raise NotImplementedError("TODO: gradients")


def update(x, target, W1, b1, W2, b2, learning_rate=LEARNING_RATE):
    """One step of gradient descent: the new (W1, W2). Biases are not updated."""
    # TODO: every gradient from the ORIGINAL weights first, then W - learning_rate * dW
    raise NotImplementedError("TODO: update")


def train(steps, learning_rate=LEARNING_RATE):
    """From Mazur's weights: `steps` times a forward pass, its total error, an update.

    Returns an array of the `steps` errors, each computed before that step's update.
    """
    W1, W2 = START_W1.copy(), START_W2.copy()
    # TODO: for each step: forward pass, record total_error, then update W1 and W2
    raise NotImplementedError("TODO: train")
