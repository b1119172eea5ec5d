#!/usr/bin/env bash
# Builds cells in Release and runs the Google Benchmark micro-benchmarks of the hot paths,
# writing bench/results/micro-<date>.json (and printing the table).
set -euo pipefail
cd "$(dirname "$0")/../.."
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DCELLS_TESTS=OFF >/dev/null
ninja -C build-release cells_bench
mkdir -p bench/results
out="bench/results/micro-$(date -u +%F).json"
build-release/cells_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
  --benchmark_out="$out" --benchmark_out_format=json
echo "written: $out"
