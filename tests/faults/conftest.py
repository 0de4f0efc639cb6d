import sys
from pathlib import Path

# The fault tests' helpers, and the gateway tests' real-process harness they build on.
ROOT = Path(__file__).parents[2]
sys.path.insert(0, str(ROOT / "gateway" / "tests" / "support"))
sys.path.insert(0, str(Path(__file__).parent / "support"))
