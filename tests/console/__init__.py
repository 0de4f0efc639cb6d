"""The web console, in a browser and as units."""
