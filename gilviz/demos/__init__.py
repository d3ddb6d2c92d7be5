"""The lessons, one module each, registered in the order the lecture teaches them."""

from gilviz.core.lesson import Registry
from gilviz.demos import lock, many_threads, race, thread_args, thread_join, thread_start

REGISTRY = Registry(
    module.LESSON
    for module in (thread_start, thread_join, thread_args, many_threads, race, lock)
)
