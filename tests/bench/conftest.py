import sys
from pathlib import Path

# bench/ is a folder of scripts that import one another by name, as `python bench/run.py` does.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
