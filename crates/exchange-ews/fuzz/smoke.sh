#!/usr/bin/env bash
# A bounded fuzzing run for CI: every target runs for SMOKE_SECONDS (default 20) from the
# seeded corpus; any crash, panic, timeout or leak fails the script.
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`). Works on a stable toolchain
# because no sanitizer is used (`--sanitizer none` needs no unstable flag).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
seconds="${SMOKE_SECONDS:-20}"
targets=(decode_any calendar_view get_item autodiscover_soap autodiscover_pox server_time_zones typed_items item_writes)

cd "$here"
"$here/seed.sh"
# One build of all targets up front, so the time limits below are spent fuzzing.
cargo fuzz build --sanitizer none

failed=()
for target in "${targets[@]}"; do
    echo "=== $target: ${seconds}s"
    # -timeout: one input taking over 10 s counts as a hang; -rss_limit_mb bounds memory.
    if ! cargo fuzz run --sanitizer none "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1; then
        failed+=("$target")
    fi
done

if (( ${#failed[@]} > 0 )); then
    echo "smoke.sh: crashes in: ${failed[*]} (inputs in $here/artifacts/)" >&2
    exit 1
fi
echo "smoke.sh: all ${#targets[@]} targets ran ${seconds}s without a crash"
