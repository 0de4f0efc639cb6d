import sys
from pathlib import Path

# The fault tests' helpers (the gateway's real-process harness is gateway.testing.harness).
ROOT = Path(__file__).parents[2]
sys.path.insert(0, str(Path(__file__).parent / "support"))
