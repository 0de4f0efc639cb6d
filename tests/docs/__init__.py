"""The documents checked against the code: the README's configuration tables against every
settings class, and its list of documents against docs/."""
