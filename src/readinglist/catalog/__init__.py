"""Content bytes to a typed Catalog and the problems found: pure, no caches, no processes."""
