"""Scripts the your-code lesson starts from: the lecture's exercise and a few of its cells,
rewritten to run as they are in gilviz (the exercise fetches from gilviz's local site)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StartingPoint:
    key: str
    label: str
    source: str


EXERCISE = StartingPoint("exercise", "The exercise: fetch the URLs one after another", '''\
# The exercise: fetch every page in `urls`, one by one.
# `urls` is ready-made: pages of a small test site that
# gilviz serves on this machine (127.0.0.1) while the
# script runs; each answers after a short delay, as a
# far-away server would.
# Your task: make run_fetch_url faster with threads, by
# hand (threading.Thread) or with a ThreadPoolExecutor.
# Each thread you start gets its own row on screen.
import time

import requests


def fetch_url(url):
    response = requests.get(url, timeout=10)
    print(f"Fetched {url}: status {response.status_code}, "
          f"{len(response.content)} bytes")


def run_fetch_url(urls):
    start_time = time.time()
    for url in urls:
        fetch_url(url)
    end_time = time.time()
    print(f"Total time taken: {end_time - start_time:.2f} seconds")


run_fetch_url(urls)
''')

RACE = StartingPoint("race", "A race: four threads, one counter, no lock", '''\
# Four threads add 10,000 each to one counter, no lock.
# sleep(0) between reading the counter and writing it
# back invites a switch to another thread at the worst
# moment. How many of the 40,000 additions survive?
import threading
import time

counter = 0


def increment():
    global counter
    for _ in range(10_000):
        tmp = counter
        time.sleep(0)  # another thread may run here
        counter = tmp + 1


threads = [threading.Thread(target=increment) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()

print(f"counter = {counter:,} (40,000 expected)")
''')

POOL = StartingPoint("pool", "A pool: five tasks on three threads", '''\
# A ThreadPoolExecutor with three worker threads takes
# five tasks; the executor decides which worker runs
# which task. Each worker gets its own row.
import concurrent.futures
import threading
import time


def task(n):
    me = threading.current_thread().name
    print(f"task {n} starts on {me}")
    time.sleep(n / 4)
    print(f"task {n} done on {me}")
    return n * n


with concurrent.futures.ThreadPoolExecutor(max_workers=3) as executor:
    results = executor.map(task, [1, 2, 3, 4, 5])

print("results:", list(results))
''')

STOP = StartingPoint("stop", "Stop: a polite thread and a stubborn one", '''\
# Press Stop (or wait for the time limit). gilviz first
# raises a flag that code can check with
# gilviz.stop_requested(); a tenth of a second later it
# ends the run, whatever the code is doing. The polite
# thread checks the flag and says goodbye; the stubborn
# one never looks, and is ended with the process.
import threading
import time

import gilviz


def polite():
    rounds = 0
    while not gilviz.stop_requested():
        rounds += 1
        time.sleep(0.05)
    print(f"asked to stop after {rounds} rounds: tidying up")


def stubborn():
    while True:  # never checks anything
        pass


threading.Thread(target=polite, name="polite").start()
threading.Thread(target=stubborn, name="stubborn").start()
print("both threads started: press Stop")
''')

STARTING_POINTS = (EXERCISE, RACE, POOL, STOP)
