"""The build engine: the only code that knows caches, worker processes, earlier builds and
the output folder."""
