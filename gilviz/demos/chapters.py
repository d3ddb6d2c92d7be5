"""Chapter names, in the order the lecture takes them."""

THREADING_BASICS = "The threading module"
RACES = "Races and locks"
EXECUTORS = "Thread and process pools"
EVENTS = "Signalling with Event"
GIL = "The GIL in practice"
EXERCISE = "Exercise: fetching URLs"

# Pages of notes that close a chapter, after its lessons: (key, title). Their text is
# resources/notes/pages/<key>.md.
CLOSING_PAGES = {
    GIL: (("with-and-without-the-gil", "The GIL in practice: with and without the GIL"),),
}
