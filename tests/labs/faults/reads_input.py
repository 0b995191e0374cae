def double(x):
    return 2 * float(input("x? "))
