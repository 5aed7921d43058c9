#!/usr/bin/env bash
# Times goft and (optionally) HipFT on the same inputs, alternately, on this
# machine: the seven HipFT testsuite cases and the production-size case.
#
#   bench/compare.sh [-n REPEATS] [-h HIPFT_EXE] [CASE ...]
#
# HIPFT_EXE is a HipFT executable built outside this repository; it is run
# as "mpirun --allow-run-as-root --bind-to none -np 1 HIPFT_EXE hipft.in"
# (set HIPFT_LAUNCH to change that), with glibc's malloc told to keep the
# memory it frees (MALLOC_TRIM_THRESHOLD_, MALLOC_TOP_PAD_,
# MALLOC_MMAP_THRESHOLD_; set HIPFT_MALLOC=default to run it without): HipFT
# allocates and frees its temporary arrays every step, and on a machine
# where page faults are dear (this one: 2 million faults, 48 CPU-s, for
# advect_gaussians_phi, against 2.6 s of wall time with the memory kept),
# glibc's default returning them to the system measures the kernel, not
# HipFT. Cases default to all testsuite cases
# plus "production". Prints, per case, the median times, the ratio
# HipFT/goft and how the histories agree (goft compare: realizations
# passing HipFT's rule at precision 5, largest difference), then the
# testsuite total (the sums over the testsuite cases run; production and
# smooth are not in it).
# "smooth" is HipFT's smooth_magnetogram example
# (hipft/run/testdata/hipft_smooth_magnetogram: a 1024x512 map smoothed with the
# grid diffusion coefficient), run only when named. Testsuite data:
# $GOFT_HIPFT_TESTSUITE or ../shared/hipft-testsuite; maps: $GOFT_MAPS or
# ../shared/maps.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
suite=${GOFT_HIPFT_TESTSUITE:-$root/../shared/hipft-testsuite}
maps=${GOFT_MAPS:-$root/../shared/maps}
n=1 hipft=""
while getopts "n:h:" o; do
  case $o in n) n=$OPTARG ;; h) hipft=$OPTARG ;; *) exit 2 ;; esac
done
shift $((OPTIND - 1))
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(advect_gaussians_phi advect_gaussians_theta advect_gaussians_phi_theta diffuse_soccer diffuse_advect_soccer diffuse_dipole diffuse_advect_atten_map_1cr production)
launch=${HIPFT_LAUNCH:-mpirun --allow-run-as-root --bind-to none -np 1}
hipft_env=(env MALLOC_TRIM_THRESHOLD_=4000000000 MALLOC_TOP_PAD_=1000000000 MALLOC_MMAP_THRESHOLD_=4000000000)
[ "${HIPFT_MALLOC:-}" != default ] || hipft_env=()
bin=$(mktemp -d)/goft
(cd "$root" && go build -o "$bin" ./cmd/goft)
work=$(mktemp -d)
trap 'rm -rf "$work" "$(dirname "$bin")"' EXIT

prepare() { # case dir
  rm -rf "$2" && mkdir -p "$2"
  if [ "$1" = production ]; then
    cp "$here/production/hipft.in" "$2/"
    ln -s "$maps/br_hmi_synoptic_mr_polfil_720s_cr2252_pslt_flxbal_remeshed.h5" "$2/"
  elif [ "$1" = smooth ]; then
    cp "$root/hipft/run/testdata/hipft_smooth_magnetogram/hipft.in" "$2/"
    ln -s "$maps/hmi_synoptic_mr_polfil_720s_cr2255_pslt_pt_1024x512.h5" "$2/"
  else
    cp "$suite/$1/input/"* "$2/"
  fi
}
seconds() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "machine: $(nproc) cores; HipFT malloc: ${HIPFT_MALLOC:-kept}, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); $(date -u +%F); goft $(cd "$root" && git rev-parse --short HEAD)"
tg=0 th=0 ns=0
for c in "${cases[@]}"; do
  g=() h=()
  for ((i = 0; i < n; i++)); do
    prepare "$c" "$work/g"; g+=("$(cd "$work/g" && seconds "$bin" run -q hipft.in)")
    if [ -n "$hipft" ]; then
      prepare "$c" "$work/h"; h+=("$(cd "$work/h" && seconds "${hipft_env[@]}" $launch "$hipft" hipft.in)")
    fi
  done
  mg=$(printf '%s\n' "${g[@]}" | median)
  # The totals are the testsuite's (the issue's "testsuite total"):
  # production and smooth have their own lines.
  suite_case=1
  case $c in production | smooth) suite_case=0 ;; esac
  [ $suite_case = 0 ] || { tg=$(echo "$tg + $mg" | bc); ns=$((ns + 1)); }
  if [ -n "$hipft" ]; then
    mh=$(printf '%s\n' "${h[@]}" | median)
    [ $suite_case = 0 ] || th=$(echo "$th + $mh" | bc)
    # Agreement of the last runs' histories (goft compare): realizations
    # passing HipFT's rule at precision 5, and the largest difference over
    # every line and column relative to the column's scale.
    # goft compare exits 1 when a realization fails the rule: the line
    # says so, and the other cases still run.
    res=$("$bin" compare -p 5 "$work/h" "$work/g" 2>/dev/null || true)
    agree=$(echo "$res" | awk '$2 == "PASS" {p++} $2 == "PASS" || $2 == "FAIL" {n++} $2 == "PASS" || $2 == "FAIL" || $2 == "-" {if ($3 + 0 > m) m = $3 + 0} END {printf "rule %d/%d, largest %.1e", p, n, m}')
    printf '%-30s goft %8.2f s   HipFT %8.2f s   HipFT/goft %5.2f   %s\n' "$c" "$mg" "$mh" "$(echo "$mh / $mg" | bc -l)" "$agree"
  else
    printf '%-30s goft %8.2f s\n' "$c" "$mg"
  fi
done
if [ "$ns" -gt 0 ]; then
  if [ -n "$hipft" ]; then
    printf '%-30s goft %8.2f s   HipFT %8.2f s   HipFT/goft %5.2f   (%d testsuite cases)\n' "testsuite total" "$tg" "$th" "$(echo "$th / $tg" | bc -l)" "$ns"
  else
    printf '%-30s goft %8.2f s   (%d testsuite cases)\n' "testsuite total" "$tg" "$ns"
  fi
fi
