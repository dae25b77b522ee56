#!/bin/bash
# Everything a lent GPU machine should run, in one go (device time is short): the GPU test suite, the
# per-operation probe (bench_cuda_ops.py) and bench_cuda.py. Writes its logs to $OUT (or ./gpu_out). Needs the machine's own
# python3 with CuPy and PyTorch CUDA; the package runs from this checkout (no install: no npm there).
#   bash benchmarks/on_gpu.sh [tests-seconds] [bench-seconds]
set -o pipefail
OUT=${OUT:-gpu_out}; mkdir -p "$OUT"
cd "$(dirname "$0")/.." || exit 1
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1
{ nvidia-smi --query-gpu=name,driver_version,clocks.sm --format=csv; date -u;
  python3 -c "import sys, numpy, cupy, torch; print(sys.version.split()[0], 'numpy', numpy.__version__, 'cupy', cupy.__version__, 'torch', torch.__version__)"; } 2>&1 | tee "$OUT/env.txt"
[ -n "$SKIP_TESTS" ] || timeout "${1:-300}" python3 -m pytest -o addopts="" -p no:cacheprovider -q -n 12 tests/gpu tests/test_backend_device.py \
  tests/test_fused_kernels.py 2>&1 | tee "$OUT/tests_full.txt" | grep -E "^(FAILED|ERROR)|passed|failed"
[ -n "$SKIP_OPS" ] || timeout "${2:-240}" python3 benchmarks/bench_cuda_ops.py --batch 262144 --reps 10 --profile-chain 3000 --chains 10000 100000 2>&1 | tee "$OUT/ops.txt"
timeout "${2:-240}" python3 benchmarks/bench_cuda.py --reps 15 --out "$OUT/bench_cuda.txt" 2>&1 | tee "$OUT/bench.log"
