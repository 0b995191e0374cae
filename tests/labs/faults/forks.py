import os
import time


def double(x):
    if os.fork() == 0:
        time.sleep(600)
    return 2 * x
