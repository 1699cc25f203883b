"""Benchmarks: run with `make bench` (python -m bench). They print their figures."""
