"""Chapter names, in the order the lecture takes them."""

THREADING_BASICS = "The threading module"
RACES = "Races and locks"
EXECUTORS = "Thread and process pools"
EVENTS = "Signalling with Event"
GIL = "The GIL in practice"
EXERCISE = "Exercise: fetching URLs"
