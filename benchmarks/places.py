"""Where the benchmark works: the project's root, its scratch folder (.bench/: the
servers' logs, the cold runs' paths, the page cache's files) and the loopback host, the
only one it contacts."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".bench"
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
