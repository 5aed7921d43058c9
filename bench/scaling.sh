#!/usr/bin/env bash
# CPU scaling of goft: wall time of the production-size case (a 1024x512
# map, 8 realizations, attenuated flows and diffusion, 24 h) and of a
# 64-realization ensemble of it (one flow and diffusion setting for all,
# 6 h) with 1, 2, 4, ... workers (`goft run -workers N`, GOMAXPROCS=N), and
# the speed-up and parallel efficiency against the first worker count.
#
#   bench/scaling.sh [-b GOFT_BIN] [-n REPEATS] [WORKERS ...]
#
# WORKERS default to 1, 2, 4, ... up to the machine's cores. GOFT_BIN
# defaults to a build of this checkout (bench/gpu-check.sh passes its
# prepared binary). The map is $GOFT_MAPS or ../shared/maps (or
# .devdata/maps where gpu-check.sh prepared it). Prints one line per run
# and a Markdown table (median of the repeats) for bench/RESULTS.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
map=br_hmi_synoptic_mr_polfil_720s_cr2252_pslt_flxbal_remeshed.h5
maps=${GOFT_MAPS:-$root/../shared/maps}
[ -f "$maps/$map" ] || maps=$root/.devdata/maps
bin="" n=1
while getopts "b:n:" o; do
  case $o in b) bin=$OPTARG ;; n) n=$OPTARG ;; *) exit 2 ;; esac
done
shift $((OPTIND - 1))
if [ ! -f "$maps/$map" ]; then
  echo "scaling.sh: the map $map is in neither \$GOFT_MAPS, ../shared/maps nor .devdata/maps; set GOFT_MAPS" >&2
  exit 1
fi
workers=("$@")
if [ ${#workers[@]} -eq 0 ]; then
  for ((w = 1; w <= $(nproc); w *= 2)); do workers+=("$w"); done
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "$bin" ]; then
  bin=$work/goft
  (cd "$root" && go build -o "$bin" ./cmd/goft)
fi

# The two cases: production as it is, and the ensemble.
mkdir -p "$work/in/production" "$work/in/ensemble64"
cp "$here/production/hipft.in" "$work/in/production/"
sed -e 's/n_realizations = 8/n_realizations = 64/' -e 's/time_end = 24.0/time_end = 6.0/' \
  -e 's/flow_dr_coef_p0_values = .*/flow_dr_coef_p0_value = 46.0/' \
  -e 's/flow_mf_coef_p1_values = .*/flow_mf_coef_p1_value = 22.0/' \
  -e 's/diffusion_coef_constants = .*/diffusion_coef_constant = 350.0/' \
  "$here/production/hipft.in" >"$work/in/ensemble64/hipft.in"
grep -q 'n_realizations = 64' "$work/in/ensemble64/hipft.in" || { echo "scaling.sh: bench/production/hipft.in changed; update the ensemble's edits" >&2; exit 1; }

seconds() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1 || { echo "scaling.sh: failed: $*" >&2; exit 1; }; t1=$(date +%s.%N); awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}'; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); $(date -u +%F); goft $(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo prepared)"
declare -A med
for c in production ensemble64; do
  for w in "${workers[@]}"; do
    ts=()
    for ((i = 0; i < n; i++)); do
      rm -rf "$work/run" && cp -r "$work/in/$c" "$work/run" && ln -s "$maps/$map" "$work/run/"
      t=$(cd "$work/run" && GOMAXPROCS=$w seconds "$bin" run -q -workers "$w" hipft.in)
      echo "$c workers=$w: $t s"
      ts+=("$t")
    done
    med[$c,$w]=$(printf '%s\n' "${ts[@]}" | median)
  done
done
echo
# Speed-up and efficiency are against the first worker count (1 unless
# the command line starts elsewhere).
echo "| workers | production (s) | speed-up over ${workers[0]} | efficiency | 64-realization ensemble, 6 h (s) | speed-up over ${workers[0]} | efficiency |"
echo "|---|---|---|---|---|---|---|"
w1=${workers[0]}
for w in "${workers[@]}"; do
  row="| $w"
  for c in production ensemble64; do
    row="$row | $(awk -v t1="${med[$c,$w1]}" -v w1="$w1" -v t="${med[$c,$w]}" -v w="$w" 'BEGIN {s = t1 / t; printf "%.2f | %.2f | %.0f%%", t, s, 100 * s * w1 / w}')"
  done
  echo "$row |"
done
