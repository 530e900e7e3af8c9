"""A mutation fuzzer for the scanner (``python fuzz/run.py --help``)."""
