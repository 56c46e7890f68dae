"""Benchmark of facilitator against a bare websockets server: `python -m bench`.

The load generator (`loadgen`, on the raw client in `wsclient`) plays thousands of phones,
`reference` is the bare server that shows the machine's limit, `stats` and `report` turn the
measurements into docs/benchmarks.md.
"""
