"""The ``merkwerker`` command line."""
