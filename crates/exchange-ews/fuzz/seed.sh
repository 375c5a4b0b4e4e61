#!/usr/bin/env bash
# Fills corpus/<target>/ with the published EWS samples, the seeds of every fuzz target.
#
# The samples are not part of the repository: they are read from $EWS_SHARED_DIR/samples
# (default: the shared folder next to the workspace). corpus/ is git-ignored.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
shared="${EWS_SHARED_DIR:-$here/../../../../shared/ews}"
samples="$shared/samples"
targets=(decode_any calendar_view get_item autodiscover_soap autodiscover_pox server_time_zones typed_items item_writes)

if [[ ! -d "$samples" ]]; then
    echo "seed.sh: no samples at $samples (set EWS_SHARED_DIR)" >&2
    exit 1
fi

for target in "${targets[@]}"; do
    mkdir -p "$here/corpus/$target"
    # Every target gets every sample: a response of another operation is a good start too.
    find "$samples" -maxdepth 1 -type f -name '*.xml' -exec cp -f {} "$here/corpus/$target/" \;
done
echo "seeded ${#targets[@]} corpora from $samples ($(find "$samples" -maxdepth 1 -name '*.xml' | wc -l) samples each)"
