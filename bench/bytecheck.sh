#!/usr/bin/env bash
# Byte-identity check for refactors: runs one goft binary on HipFT's seven
# testsuite cases, every option case (run/testdata/hipft_options), HipFT's
# smooth_magnetogram example and the first 6 hours of its
# flux_transport_1rot example, and writes a manifest of the SHA-256 of every
# output file (hipft_timing.out, whose figures are wall times, and the
# checkpoint, which holds them, left out).
# Two manifests from two binaries (before and after a change) must be equal:
#
#   bench/bytecheck.sh BIN OUTDIR         # writes OUTDIR/manifest
#   diff OUTDIR1/manifest OUTDIR2/manifest
#
# Build BIN with `go build -o BIN ./cmd/goft` for the AVX2 path and with
# `go build -tags noasm -o BIN ./cmd/goft` for the Go kernels alone.
# Inputs: $GOFT_HIPFT_TESTSUITE or ../shared/hipft-testsuite, $GOFT_MAPS or
# ../shared/maps (the cases that need an absent folder are skipped, and the
# manifest says so). It takes about 3 minutes on the 2-core test machine.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "$1")
out=$(mkdir -p "$2" && realpath "$2")
suite=${GOFT_HIPFT_TESTSUITE:-$root/../shared/hipft-testsuite}
maps=${GOFT_MAPS:-$root/../shared/maps}
work="$out/work"
rm -rf "$work" "$out/manifest"
mkdir -p "$work"

runcase() { # name dir
  local name=$1 dir=$2
  if ! (cd "$dir" && "$bin" run hipft.in >run.log 2>&1); then
    echo "$name: goft failed, see $dir/run.log" >&2
    echo "$name FAILED" >>"$out/manifest"
    return
  fi
  (cd "$dir" && find . -type f ! -name run.log ! -name hipft_timing.out ! -name 'goft_checkpoint.bin*' ! -name '*.in' ! -name '.goft-run*.lock' -print0 |
    sort -z | xargs -0 sha256sum | sed "s|  \./|  $name/|") >>"$out/manifest"
}

if [ -d "$suite" ]; then
  for d in "$suite"/*/input; do
    c=$(basename "$(dirname "$d")")
    mkdir -p "$work/suite/$c" && cp -r "$d"/. "$work/suite/$c/"
    runcase "suite/$c" "$work/suite/$c"
  done
else
  echo "suite: skipped ($suite absent)" >>"$out/manifest"
fi

# The option cases share one folder of inputs, written by the run package's
# test (the same inputs HipFT ran on).
(cd "$root" && GOFT_WRITE_HIPFT_CASE="$work/optinputs" go test -count=1 -run TestWriteHipFTOptionCases ./hipft/run/ >/dev/null 2>&1 ||
  GOFT_WRITE_HIPFT_CASE="$work/optinputs" go test -count=1 -run TestWriteHipFTOptionCases ./run/ >/dev/null)
inputs="$work/optinputs/strang"
optdir="$root/hipft/run/testdata/hipft_options"
[ -d "$optdir" ] || optdir="$root/run/testdata/hipft_options"
for d in "$optdir"/*/; do
  c=$(basename "$d")
  mkdir -p "$work/options/$c"
  for f in "$inputs"/*; do [ "$(basename "$f")" = hipft.in ] || ln -s "$f" "$work/options/$c/"; done
  cp "$d/hipft.in" "$work/options/$c/"
  runcase "options/$c" "$work/options/$c"
done

if [ -d "$maps" ]; then
  for c in hipft_smooth_magnetogram hipft_flux_transport_1rot; do
    src="$(dirname "$optdir")/$c"
    mkdir -p "$work/examples/$c"
    cp "$src/hipft.in" "$work/examples/$c/"
    ln -s "$maps"/*.h5 "$work/examples/$c/"
    runcase "examples/$c" "$work/examples/$c"
  done
else
  echo "examples: skipped ($maps absent)" >>"$out/manifest"
fi
echo "$(grep -c . "$out/manifest") lines in $out/manifest"
