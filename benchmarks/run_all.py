"""Run every benchmark in turn (each prints its own figures)."""
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for script in ("bench_sample.py", "bench_extract.py", "bench_skills.py", "bench_metrics.py", "bench_refresh.py"):
    print(f"\n=== {script} ===", flush=True)
    subprocess.run([sys.executable, str(HERE / script)], check=False)
