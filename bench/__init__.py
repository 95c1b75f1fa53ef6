"""Benchmarks: Conductor measured against what it is built on, in the same run (`make bench`)."""
