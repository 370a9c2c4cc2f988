"""Benchmarks (`make bench`) and the script that rebuilds the built-in model (`make default-model`)."""
