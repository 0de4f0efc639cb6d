import sys
from pathlib import Path

# The helpers the commitment tests share (commitment_helpers.py) live beside them.
sys.path.insert(0, str(Path(__file__).parent))
