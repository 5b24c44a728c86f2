"""Command-line tools of the edition (publishing, catalogs); importable for tests and extensions."""
