"""What the fault tests share."""
