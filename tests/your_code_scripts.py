"""Students' scripts for the your-code tests (demos, CLI, window): answers to the exercise
and small scripts that exercise one behaviour each. Plain text: they run in the engine."""

FETCH_WITH_THREADS = '''\
import threading
import time

import requests


def fetch_url(url):
    response = requests.get(url, timeout=10)
    print(f"Fetched {url}: status {response.status_code}, {len(response.content)} bytes")


def run_fetch_url(urls):
    start_time = time.time()
    threads = [threading.Thread(target=fetch_url, args=(url,)) for url in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(f"Total time taken: {time.time() - start_time:.2f} seconds")


run_fetch_url(urls)
'''

FETCH_WITH_POOL = '''\
import time
from concurrent.futures import ThreadPoolExecutor

import requests


def fetch_url(url):
    response = requests.get(url, timeout=10)
    print(f"Fetched {url}: status {response.status_code}, {len(response.content)} bytes")


def run_fetch_url(urls):
    start_time = time.time()
    with ThreadPoolExecutor(max_workers=4) as pool:
        pool.map(fetch_url, urls)
    print(f"Total time taken: {time.time() - start_time:.2f} seconds")


run_fetch_url(urls)
'''

# Every way a thread comes to be: a Thread, a Thread subclass, pool workers, a Timer.
EVERY_KIND_OF_THREAD = '''\
import threading
from concurrent.futures import ThreadPoolExecutor


class Worker(threading.Thread):
    def run(self):
        print(f"subclass {threading.get_native_id()}")


def plain():
    print(f"plain {threading.get_native_id()}")


def task(n):
    print(f"task {n} {threading.get_native_id()}")


threading.Thread(target=plain, name="plain").start()
Worker(name="subclass").start()
timer = threading.Timer(0.05, lambda: print(f"timer {threading.get_native_id()}"))
timer.name = "timer"
timer.start()
pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="pool")
for n in range(4):
    pool.submit(task, n)
print(f"main {threading.get_native_id()}")
'''  # the pool is never shut down: like the interpreter, gilviz does it at the end

OUTPUT_SHAPES = '''\
import sys
import threading

print("one", "line", sep=" ", end="")
print(" finished later")
sys.stdout.write("two\\nlines\\n")
sys.stderr.write("to stderr\\n")
sys.stdout.buffer.write(b"as bytes\\n")
print("no newline at the end", end="")


def chatty():
    for i in range(3):
        print(f"chatty {i}")
    print("and a partial", end="")


thread = threading.Thread(target=chatty, name="chatty")
thread.start()
thread.join()
try:
    input()
except EOFError:
    print(" / input() met the end")
'''

FAILS_IN_A_THREAD = '''\
import threading


def divide():
    print("about to divide")
    return 1 / 0


thread = threading.Thread(target=divide, name="divider")
thread.start()
thread.join()
print("main carries on")
'''

FAILS_IN_MAIN = '''\
def lookup(table):
    return table["missing"]


print("before")
lookup({})
print("never")
'''

SPIN_IN_MAIN = '''\
print("spinning in main")
while True:
    pass
'''

SPIN_IN_A_THREAD = '''\
import threading


def spin():
    print("spinning", end="")
    while True:
        pass


threading.Thread(target=spin, name="spinner").start()
print("main is done")
'''

POLITE = '''\
import threading
import time

import gilviz


def wait_for_stop():
    while not gilviz.stop_requested():
        time.sleep(0.01)
    print("asked to stop: bye")


threading.Thread(target=wait_for_stop, name="polite").start()
'''

FLOOD = '''\
for i in range(10_000_000):
    print(i)
'''
