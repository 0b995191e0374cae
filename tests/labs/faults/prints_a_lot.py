for _ in range(2_600_000):
    print("x" * 40)


def double(x):
    return 2 * x
