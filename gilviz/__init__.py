"""gilviz: live demos of Python threads and the GIL."""

__version__ = "0.1.0"
