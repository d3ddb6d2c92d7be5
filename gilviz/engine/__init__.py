"""The isolated engine's child side: `python -m gilviz.engine` runs one lesson.

It imports the standard library, gilviz.core and the lessons, never Qt, so any
interpreter that can import gilviz can host it (the window's own, another version, a
free-threaded build). gilviz.core.engine starts it and talks to it.
"""
