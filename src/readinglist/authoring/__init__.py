"""Writing entry files: ``readinglist new``, ``readinglist import`` and the field reference."""
