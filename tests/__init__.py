"""The tests that span services: the authorization matrix, the API fuzzers, the faults and
the console. A package, so that each suite's helpers are imported by name
(`tests.authorization.matrix`, `tests.faults.support.fault_harness`, ...)."""
