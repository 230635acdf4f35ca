"""Bench data generators and page lists, one module per feature app (see bench/context.py)."""
