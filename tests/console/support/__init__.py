"""What the console tests share."""
