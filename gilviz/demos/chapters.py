"""Chapter names, in the order the lecture takes them."""

THREADING_BASICS = "Threads with the threading module"
RACES = "Race conditions and locks"
EXECUTORS = "Executors: thread and process pools"
EVENTS = "Signalling between threads"
GIL = "The GIL in practice"
EXERCISE = "Exercise: fetching URLs"
