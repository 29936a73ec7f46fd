"""A Catalog to the site's files, as {output path: bytes}: pure, no caches, no output folder."""
