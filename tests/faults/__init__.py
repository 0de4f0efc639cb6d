"""Infrastructure faults: processes killed, brokers and databases lost, replicas."""
