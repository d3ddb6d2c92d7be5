"""The lessons, one module each, registered in the order the lecture teaches them."""

from gilviz.core.lesson import Registry
from gilviz.demos import (
    daemon,
    event,
    fetch,
    gil_cpu,
    gil_io,
    gil_release,
    lock,
    many_threads,
    process_vs_thread,
    race,
    switch_interval,
    thread_args,
    thread_join,
    thread_pool,
    thread_start,
    your_code,
)

REGISTRY = Registry(
    module.LESSON
    for module in (
        thread_start, thread_join, thread_args, many_threads, daemon, race, lock,
        thread_pool, process_vs_thread, event, gil_cpu, gil_io, gil_release, switch_interval,
        fetch, your_code,
    )
)
