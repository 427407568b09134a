#!/usr/bin/env bash
# Fuzzes the response decoders (csrc/fuzz) with libFuzzer under AddressSanitizer and UBSan for
# FUZZ_SECONDS (60 by default), starting from real responses (scripts/fuzz_seeds.py). The
# corpus it grows persists in build/fuzz/corpus, so later runs start further on.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/.venv/bin:$PATH"  # cmake and ninja from the project's environment
seconds=${FUZZ_SECONDS:-60}
dir=build/fuzz

cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DTRITONLINK_BUILD_FUZZERS=ON -DCMAKE_CXX_FLAGS="-fno-omit-frame-pointer" >/dev/null
cmake --build "$dir" --target response_decoders_fuzzer >/dev/null
if [ ! -d "$dir/seeds" ]; then  # made once, whole or not at all
  rm -rf "$dir/seeds.new"
  .venv/bin/python scripts/fuzz_seeds.py "$dir/seeds.new"
  mv "$dir/seeds.new" "$dir/seeds"
fi
mkdir -p "$dir/corpus"

echo "== response_decoders_fuzzer (${seconds} s)"
# Its progress lines go to a log, shown only when it finds something.
if ! "$dir/csrc/fuzz/response_decoders_fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$dir/" "$dir/corpus" "$dir/seeds" 2>"$dir/fuzz.log"; then
  tail -n 60 "$dir/fuzz.log"
  exit 1
fi
grep -E "DONE|^Done [0-9]+ runs" "$dir/fuzz.log" || tail -n 3 "$dir/fuzz.log"
