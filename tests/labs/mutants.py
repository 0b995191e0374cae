"""The usual mistakes in each lab, as patches of the lab's solution.

A mutant is a name, the mistake in words and one or more exact ``(old, new)`` replacements
in ``data/labs/<lab>/solution.py``; the mutant's module docstring becomes
``Mutant: <the mistake>``. Each ``old`` must occur exactly once in the solution (the test
says which lab, mutant and text when it does not), so a changed solution fails loudly
instead of silently testing a copy of what it used to be.
"""

from __future__ import annotations


class Mutant:
    """One usual mistake: its name, what it is in words, the replacements that make it."""

    def __init__(self, name: str, mistake: str, *replacements: tuple[str, str]) -> None:
        self.name = name
        self.mistake = mistake
        self.replacements = replacements


MUTANTS: dict[str, tuple[Mutant, ...]] = {
    "autodiff-engine": (
        Mutant(
            "grad_overwritten",
            "gradients are set with = instead of accumulated with +=, so a node used twice keeps only its last contribution.",
            ("self.grad += out", "self.grad = out"),
            ("other.grad += out", "other.grad = out"),
            ("+= other", "= other"),
            ("+= self", "= self"),
        ),
        Mutant(
            "missing_chain_rule",
            "tanh's backward forgets the chain rule: it does not multiply by out.grad.",
            ("(1.0 - t * t) * out.grad", "1.0 - t * t"),
        ),
        Mutant(
            "mul_grad_swapped",
            "the product rule is swapped: d(a*b)/da uses a instead of b.",
            ("+= other", "+= self"),
            ("+= self", "+= other"),
        ),
        Mutant(
            "not_reversed",
            "backward() runs the nodes in topological order instead of reverse topological order.",
            ("reversed(order)", "order"),
        ),
        Mutant(
            "wrong_sign",
            "the derivative of tanh has the wrong sign (t**2 - 1 instead of 1 - t**2).",
            ("1.0 - t * t", "t * t - 1.0"),
        ),
    ),
    "conv-pool": (
        Mutant(
            "d_image_overwritten",
            "conv2d_backward sets d_image slices with = instead of accumulating with +=.",
            ("+= kernel[i, j] * d_out", "= kernel[i, j] * d_out"),
        ),
        Mutant(
            "flipped_kernel",
            "conv2d flips the kernel (true convolution) instead of computing the cross-correlation that deep-learning libraries use.",
            ("i, j] * image[i", "kh - 1 - i, kw - 1 - j] * image[i"),
        ),
        Mutant(
            "gradient_to_whole_window",
            "maxpool2x2_backward gives d_out to all four cells of the window instead of only to the maximum.",
            (
                (
                    "i, j = np.unravel_index(np.argmax(window), window.shape)\n"
                    "            dx[2 * r + i, 2 * c + j] += d_out[r, c]"
                ),
                "dx[2 * r : 2 * r + 2, 2 * c : 2 * c + 2] += d_out[r, c] * np.ones_like(window)",
            ),
        ),
        Mutant(
            "off_by_one",
            "conv2d's output is one row and one column too small (H - kh instead of H - kh + 1).",
            ("kh + 1, image.shape[1] - kw + 1", "kh, image.shape[1] - kw"),
        ),
        Mutant(
            "wrong_window_reshape",
            "maxpool2x2 reshapes to (h, w, 2, 2), so its 'windows' are not the image's 2x2 blocks.",
            ("2, w, 2)  # windows[r, :, c, :] is one 2x2 block", "w, 2, 2)"),
            ("(1", "(2"),
        ),
    ),
    "dropout-batchnorm": (
        Mutant(
            "backward_missing_terms",
            "batchnorm_backward treats the batch mean and variance as constants: dx = dx_hat / std only.",
            ("    n = d_out.shape[0]\n", ""),
            (
                "/ n * (n * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0))",
                "* dx_hat",
            ),
        ),
        Mutant(
            "dropout_not_scaled",
            "dropout zeroes units but does not divide the kept ones by 1 - p.",
            ("keep / (1.0 - p)", "keep"),
        ),
        Mutant(
            "inference_uses_batch_stats",
            "at inference batch norm still normalises with the batch's own statistics instead of the running ones.",
            ("running_mean) / np.sqrt(running_var", "x.mean(axis=0)) / np.sqrt(x.var(axis=0)"),
        ),
        Mutant(
            "momentum_swapped",
            "the running statistics give the new batch the weight momentum instead of the old running value.",
            (
                "momentum * running_mean + (1 - momentum)",
                "(1 - momentum) * running_mean + momentum",
            ),
            ("momentum * running_var + (1 - momentum)", "(1 - momentum) * running_var + momentum"),
        ),
        Mutant(
            "wrong_axis",
            "batch norm takes the mean and variance over axis 1 (each example's features) instead of axis 0 (the batch).",
            ("x.mean(axis=0", "x.mean(axis=1, keepdims=True"),
            ("var(axis=0", "var(axis=1, keepdims=True"),
        ),
    ),
    "edge-filter": (
        Mutant(
            "no_sqrt",
            "gradient_magnitude returns gx**2 + gy**2, forgetting the square root.",
            ("np.hypot(gx, gy)", "gx**2 + gy**2"),
        ),
        Mutant(
            "transposed",
            "the Sobel kernels are swapped: kx is the transposed (vertical-change) kernel and ky the horizontal one.",
            (", kx.T", ".T, kx"),
        ),
        Mutant(
            "wrong_sign",
            "kx has the wrong sign: it responds positively where brightness falls to the right.",
            (
                "-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1",
                "1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1",
            ),
        ),
        Mutant(
            "zero_padding",
            "filter2d pads with zeros instead of repeating the border pixels, so flat images get edges at the border.",
            ('), mode="edge', '), mode="constant'),
        ),
    ),
    "gradient-descent": (
        Mutant(
            "missing_half",
            "largest_stable_step returns 1 / λ_max instead of 2 / λ_max.",
            ("2.", "1."),
        ),
        Mutant(
            "missing_learning_rate",
            "gradient_descent steps by the whole gradient, x - grad(x), forgetting the step size.",
            ("step_size * grad", "grad"),
        ),
        Mutant(
            "no_divergence_check",
            "gradient_descent never checks the loss, so it neither stops nor reports divergence.",
            (
                (
                    "        if not np.isfinite(losses[-1]) or losses[-1] > max_loss:\n"
                    "            diverged = True\n"
                    "            break\n"
                ),
                "",
            ),
        ),
        Mutant(
            "off_by_one",
            "gradient_descent runs steps - 1 steps (range(steps - 1)), one point short.",
            ("steps)", "steps - 1)"),
        ),
        Mutant(
            "wrong_sign",
            "gradient_descent steps up the gradient, x + step_size * grad(x) (gradient ascent).",
            ("= x -", "= x +"),
        ),
    ),
    "lstm-cell": (
        Mutant(
            "candidate_sigmoid",
            "the candidate C_tilde uses sigmoid instead of tanh, so it can never be negative.",
            ("= np.tanh", "= sigmoid"),
        ),
        Mutant(
            "concat_order",
            "the input is concatenated as [x, h_prev] instead of Olah's [h_prev, x].",
            ("h_prev, x])", "x, h_prev])"),
        ),
        Mutant(
            "gates_swapped",
            "the forget and input gates are swapped in the cell update: C = i * C_prev + f * C_tilde.",
            ("    C = f * C_prev + i", "    C = i * C_prev + f"),
        ),
        Mutant(
            "h_without_tanh",
            "the hidden state skips the tanh: h = o * C instead of o * tanh(C).",
            ("np.tanh(C)", "C"),
        ),
        Mutant(
            "state_not_carried",
            "lstm_forward feeds every step the initial h0 and C0 instead of the previous step's states.",
            (", h, C", ", h0, C0"),
        ),
    ),
    "mazur-example": (
        Mutant(
            "missing_half",
            "total_error forgets the factor 1/2 of the squared error.",
            ("0.5 * (", "("),
        ),
        Mutant(
            "missing_learning_rate",
            "update subtracts the whole gradient, forgetting the learning rate.",
            ("learning_rate * dW1, W2 - learning_rate *", "dW1, W2 -"),
        ),
        Mutant(
            "off_by_one",
            "train records the error after each update instead of before it, so the first error is lost.",
            (
                "for _ in range(steps):\n",
                (
                    "for _ in range(steps):\n"
                    "        W1, W2 = update(INPUTS, TARGETS, W1, B1, W2, B2, learning_rate)\n"
                ),
            ),
            ("        W1, W2 = update(INPUTS, TARGETS, W1, B1, W2, B2, learning_rate)\n", ""),
        ),
        Mutant(
            "updates_with_new_weights",
            "update changes w5..w8 first and backpropagates the hidden gradients through the new w5..w8.",
            (
                (
                    "dW1, dW2 = gradients(x, target, W1, b1, W2, b2)\n"
                    "    return W1 - learning_rate * dW1, W2 - learning_rate * dW2"
                ),
                (
                    "out_h, out_o = forward(x, W1, b1, W2, b2)\n"
                    "    delta_o = (out_o - target) * out_o * (1 - out_o)\n"
                    "    W2 = W2 - learning_rate * np.outer(delta_o, out_h)\n"
                    "    delta_h = (W2.T @ delta_o) * out_h * (1 - out_h)  # the mistake: W2 is already updated\n"
                    "    return W1 - learning_rate * np.outer(delta_h, x), W2"
                ),
            ),
        ),
        Mutant(
            "wrong_sign",
            "gradients uses (target - out_o) for the output delta, so every gradient has the wrong sign.",
            ("out_o - target", "target - out_o"),
        ),
    ),
    "numerical-gradient": (
        Mutant(
            "assumes_symmetric",
            "quadratic_gradient returns A x + b, right only when A is symmetric.",
            ("0.5 * (A + A.T)", "A"),
        ),
        Mutant(
            "missing_half",
            "numerical_gradient divides by h instead of 2h (the central step spans 2h).",
            ("(2 * h)", "h"),
        ),
        Mutant(
            "off_by_one",
            "numerical_gradient stops one coordinate early (range(x.size - 1)), so the last entry stays 0.",
            ("size", "size - 1"),
        ),
        Mutant(
            "relative_error_wrong_sign",
            "relative_error uses ||a + b|| instead of ||a - b|| in the numerator.",
            ("- b)", "+ b)"),
        ),
        Mutant(
            "wrong_sign",
            "numerical_gradient computes f(x - h) - f(x + h), the sign of every entry is flipped.",
            ("+ step) - f(x -", "- step) - f(x +"),
        ),
    ),
    "optimisers": (
        Mutant(
            "missing_learning_rate",
            "momentum_step adds the raw gradient to the velocity, without the learning rate.",
            ("= beta * v - lr * g", "= beta * v - g"),
        ),
        Mutant(
            "no_bias_correction",
            "adam_step steps with the raw moving averages m and v, without bias correction.",
            (
                (
                    "m_hat = m / (1 - beta1**t)\n"
                    "    v_hat = v / (1 - beta2**t)\n"
                    "    return x - lr * m_hat / (np.sqrt(v_hat"
                ),
                "return x - lr * m / (np.sqrt(v",
            ),
        ),
        Mutant(
            "off_by_one",
            "run counts Adam's steps from t = 0, so the first bias correction divides by 1 - beta**0 = 0.",
            ("1, steps + 1", "steps"),
        ),
        Mutant(
            "rmsprop_no_sqrt",
            "rmsprop_step divides by r instead of sqrt(r).",
            ("np.sqrt(r)", "r"),
        ),
        Mutant(
            "wrong_sign",
            "momentum_step accumulates +lr * g in the velocity, so x climbs the gradient instead of descending.",
            ("= beta * v -", "= beta * v +"),
        ),
    ),
    "perceptron-nand": (
        Mutant(
            "greater_or_equal",
            "the perceptron fires when w·x + b >= 0, so it outputs 1 on the boundary w·x + b = 0.",
            ("z >", "z >="),
        ),
        Mutant(
            "off_by_one",
            "add_bits forgets the final carry, so it returns n bits instead of n + 1.",
            ("    result.append(carry)\n", ""),
        ),
        Mutant(
            "swapped_outputs",
            "half_adder returns (carry, sum) instead of (sum, carry).",
            ("return sum_bit, carry_bit", "return carry_bit, sum_bit"),
        ),
        Mutant(
            "uses_python_xor",
            "half_adder uses Python's ^ and & on the bits instead of nand gates.",
            (
                (
                    "a = nand(x1, x2)\n"
                    "    sum_bit = nand(nand(x1, a), nand(x2, a))\n"
                    "    carry_bit = nand(a, a)"
                ),
                "sum_bit = x1 ^ x2\n    carry_bit = x1 & x2",
            ),
        ),
        Mutant(
            "wrong_sign",
            "the perceptron subtracts the bias (w·x - b) instead of adding it.",
            (") +", ") -"),
        ),
    ),
    "rnn-bptt": (
        Mutant(
            "no_gradient_through_time",
            "rnn_backward drops the gradient coming from the next time step (dh_next), so it only backpropagates one step.",
            ("] + dh_next  # h_t feeds y_t and h_{t+1}", "]"),
        ),
        Mutant(
            "no_tanh_derivative",
            "rnn_backward skips the derivative of tanh: da = dh instead of (1 - h**2) * dh.",
            ("(1.0 - hs[t] ** 2) * dh  # through tanh", "dh"),
        ),
        Mutant(
            "off_by_one",
            "rnn_backward's loop stops before t = 0, so the first time step never contributes.",
            ("(xs.", "(1, xs."),
        ),
        Mutant(
            "transposed",
            "the gradient of W_hh is transposed: outer(h_prev, da) instead of outer(da, h_prev).",
            ("da, h_prev", "h_prev, da"),
        ),
        Mutant(
            "wrong_sign",
            "the output error has the wrong sign: dy = targets - ys instead of ys - targets.",
            ("ys - targets  # d loss / d y_t, row by row", "targets - ys"),
        ),
    ),
    "shapes-broadcasting": (
        Mutant(
            "missing_keepdims",
            "center_rows subtracts X.mean(axis=1) without keepdims, so the row means broadcast along the rows.",
            (", keepdims=True", ""),
        ),
        Mutant(
            "transposed",
            "pairwise_sq_dists returns the transpose, shape (n, m) instead of (m, n).",
            ("1)", "1).T"),
        ),
        Mutant(
            "transposed_matvec",
            "batched_matvec multiplies by M[i] transposed (sums over the wrong index of M).",
            ("M @", "M.transpose(0, 2, 1) @"),
        ),
        Mutant(
            "wrong_axis",
            "center_rows takes the mean over axis 0 (the columns) instead of axis 1 (each row).",
            ("1,", "0,"),
        ),
        Mutant(
            "wrong_sign",
            "pairwise_sq_dists adds the points (A[i] + B[j]) instead of subtracting them.",
            (":] -", ":] +"),
        ),
    ),
    "sigmoid-forward": (
        Mutant(
            "off_by_one",
            "forward stops one layer early (weights[:-1]), so the output layer is missing.",
            (", biases,", "[:-1], biases[:-1],"),
        ),
        Mutant(
            "transposed",
            "layer_forward multiplies by W instead of W.T (treats W as (n_in, n_out)).",
            (".T", ""),
        ),
        Mutant(
            "wrong_axis",
            "predict takes np.argmax over axis 0 (the rows) instead of axis 1 (the output neurons).",
            ("=1", "=0"),
        ),
        Mutant(
            "wrong_sign",
            "sigmoid uses e^(+z) instead of e^(-z), so it computes σ(-z).",
            ("-np", "np"),
        ),
    ),
    "softmax-sgd": (
        Mutant(
            "gradient_not_averaged",
            "the gradient is summed over the batch instead of averaged: the 1/n factor is missing.",
            ("n, k = X.shape[0],", "k ="),
            ("(P - Y) / n", "P - Y"),
        ),
        Mutant(
            "missing_learning_rate",
            "sgd_step subtracts the raw gradient, without multiplying it by the learning rate.",
            ("lr * dW, b - lr *", "dW, b -"),
        ),
        Mutant(
            "transposed",
            "dW is computed as dZ.T @ X, the transpose of the right gradient.",
            ("X.T @ dZ", "dZ.T @ X"),
        ),
        Mutant(
            "unstable_softmax",
            "softmax exponentiates the logits without subtracting the row maximum, so exp overflows on large logits.",
            (
                (
                    "shifted = Z - Z.max(axis=1, keepdims=True)  # exp never overflows; the result is unchanged\n"
                    "    E = np.exp(shifted"
                ),
                "E = np.exp(Z",
            ),
        ),
        Mutant(
            "wrong_axis",
            "softmax normalises over axis 0 (the examples) instead of axis 1 (the classes).",
            ("sum(axis=1", "sum(axis=0"),
        ),
    ),
    "stable-sigmoid": (
        Mutant(
            "log_of_sigmoid",
            "log_sigmoid takes np.log(sigmoid(z)), which is log(0) = -inf for very negative z.",
            ("minimum(z, 0.0) - np.log1p(np.exp(-np.abs(z)", "log(sigmoid(z"),
        ),
        Mutant(
            "naive_branches",
            "sigmoid evaluates exp(-z) and exp(z) inside np.where, which computes both branches and overflows.",
            (
                (
                    "e = np.exp(-np.abs(z))  # in (0, 1]: never overflows\n"
                    "    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e"
                ),
                "return np.where(z >= 0, 1.0 / (1.0 + np.exp(-z)), np.exp(z) / (1.0 + np.exp(z)",
            ),
        ),
        Mutant(
            "naive_overflow",
            "sigmoid uses the textbook 1 / (1 + exp(-z)), which overflows for z below about -709.",
            (
                (
                    "e = np.exp(-np.abs(z))  # in (0, 1]: never overflows\n"
                    "    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e"
                ),
                "return 1.0 / (1.0 + np.exp(-z",
            ),
        ),
        Mutant(
            "swapped_branches",
            "sigmoid swaps the two branches of np.where, so it computes σ(-z).",
            ("1.0 / (1.0 + e), e", "e / (1.0 + e), 1.0"),
        ),
        Mutant(
            "wrong_sign",
            "sigmoid_prime returns -σ(z)(1 - σ(z)), the sign is flipped.",
            ("s *", "-s *"),
        ),
    ),
    "xor-backprop": (
        Mutant(
            "missing_learning_rate",
            "train subtracts the whole gradient, forgetting the learning rate.",
            ("learning_rate * grads", "grads"),
        ),
        Mutant(
            "off_by_one",
            "train runs epochs - 1 epochs (range(epochs - 1)), one loss short.",
            ("epochs)", "epochs - 1)"),
        ),
        Mutant(
            "transposed",
            "backward returns X.T @ dH for dW1, the transpose of dE/dW1.",
            ("dH.T @ X", "X.T @ dH"),
        ),
        Mutant(
            "wrong_axis",
            "backward sums the hidden bias gradient over axis 1 (the neurons) instead of axis 0 (the examples).",
            ("dH.sum(axis=0", "dH.sum(axis=1"),
        ),
        Mutant(
            "wrong_sign",
            "backward uses (T - Y) for the output delta, so every gradient has the wrong sign.",
            ("= (Y - T", "= (T - Y"),
        ),
    ),
}
