"""Test fixtures and helpers every Guanjia package reuses (a pytest plugin)."""
