"""`make bench`: deterministic councils, measured figures with targets, `bench/results.json`."""
