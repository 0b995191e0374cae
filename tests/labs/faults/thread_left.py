import threading
import time


def double(x):
    threading.Thread(target=time.sleep, args=(60,)).start()  # not a daemon: never joined
    return 2 * x
