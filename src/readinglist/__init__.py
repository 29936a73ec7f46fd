"""readinglist: a curated MLOps reading list and the static site generator behind it."""

__version__ = "0.1.0"
