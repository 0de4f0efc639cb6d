"""The expected table of each service, with the world its calls are made in."""
