# pytest's importlib mode registers the folder gateway/ as an empty module named `gateway`
# when it imports gateway/tests/conftest.py, hiding the real package (gateway/src/gateway);
# importing the real one first, here at the root, keeps it in place.
import gateway  # noqa: F401
