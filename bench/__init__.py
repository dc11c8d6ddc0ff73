"""The load benchmark: `bench/run` (see docs/performance.md)."""
