# Fixture generator only (not run by tests): `mprof run --include-children parent.py`
# wrote children.dat; the child lives long enough for mprof to sample it.
import subprocess, sys
p = subprocess.Popen([sys.executable, "-c", "import time; x = [bytearray(1 << 20) for _ in range(30)]; time.sleep(1.0)"])
p.wait()
