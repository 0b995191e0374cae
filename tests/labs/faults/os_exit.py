import os


def double(x):
    os._exit(7)
