def double(x):
    hoard = bytearray(4 * 1024 * 1024 * 1024)
    return 2 * x + len(hoard)
