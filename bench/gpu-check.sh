#!/usr/bin/env bash
# GPU device check for goft, in one run of a few minutes on a GPU machine.
# It builds nothing there: it runs binaries prepared beforehand with
#
#   bench/gpu-check.sh -prepare     (on a build machine; writes .devbin/ and .devdata/)
#
# (GOFT_CHECK_CPU_HERE=0 keeps the CPU testsuite runs of an earlier
# -prepare) and then, on the GPU machine, from the repository root:
#
#   bench/gpu-check.sh              (writes its report under $OUT, else .devout/)
#   bench/gpu-check.sh -cpu-scaling [WORKERS ...]  (CPU only: bench/scaling.sh with
#                                   the prepared binary, workers 1 2 4 ... up to the cores)
#
# Steps: the device and driver; NVRTC compile time (cold cache); the GPU
# kernel tests against the CPU (gpu.test -test.run Device); the seven HipFT
# testsuite cases on the GPU and on the CPU (all cores), each checked with
# HipFT's rule at precision 5 against HipFT's reference and GPU against CPU,
# plus the largest history and final-map differences, with wall times; the
# production-size case (1024x512 map, 8 realizations, AFT flows with
# attenuation, diffusion, 24 h) on GPU and CPU with its per-kernel profile
# (achieved bandwidth against the device's copy bandwidth); HipFT's
# smooth_magnetogram example and the option cases (hipft/run/testdata/
# hipft_options) on the GPU against HipFT's histories. The last lines
# printed are the summary (summary.txt under the output folder).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cases=(advect_gaussians_phi advect_gaussians_theta advect_gaussians_phi_theta diffuse_soccer diffuse_advect_soccer diffuse_dipole diffuse_advect_atten_map_1cr)
prodmap=br_hmi_synoptic_mr_polfil_720s_cr2252_pslt_flxbal_remeshed.h5
smoothmap=hmi_synoptic_mr_polfil_720s_cr2255_pslt_pt_1024x512.h5

if [ "${1:-}" = -cpu-scaling ]; then
  # CPU-only scaling (the GPU machine has 16 cores): the production case
  # and a 64-realization ensemble with 1, 2, 4, 8 and 16 workers, with the
  # prepared binary and map (bench/scaling.sh). About 4 minutes there;
  # run it as its own device call. Writes scaling.txt under $OUT.
  out=${OUT:-$root/.devout}
  mkdir -p "$out"
  GOFT_MAPS=$root/.devdata/maps "$root/bench/scaling.sh" -b "$root/.devbin/goft" "${@:2}" | tee "$out/scaling.txt"
  exit "${PIPESTATUS[0]}"
fi

if [ "${1:-}" = -prepare ]; then
  set -e
  suite=${GOFT_HIPFT_TESTSUITE:-$root/../shared/hipft-testsuite}
  maps=${GOFT_MAPS:-$root/../shared/maps}
  cd "$root"
  rm -rf .devbin .devdata/suite .devdata/maps
  [ "${GOFT_CHECK_CPU_HERE:-1}" = 1 ] && rm -rf .devdata/cpu
  mkdir -p .devbin .devdata/maps
  export CGO_ENABLED=0 GOOS=linux GOARCH=amd64
  go build -trimpath -ldflags='-s -w' -o .devbin/goft ./cmd/goft
  go build -trimpath -ldflags='-s -w' -o .devbin/gpucheck ./arch/gpu/gpucheck
  go test -c -trimpath -ldflags='-s -w' -o .devbin/gpu.test ./arch/gpu/
  for c in "${cases[@]}"; do
    mkdir -p ".devdata/suite/$c/reference"
    cp -r "$suite/$c/input" ".devdata/suite/$c/"
    cp "$suite/$c/reference/"hipft_history_sol_r*.out "$suite/$c/reference/hipft_timing.out" ".devdata/suite/$c/reference/"
  done
  cp "$maps/$prodmap" "$maps/$smoothmap" .devdata/maps/
  # The HipFT option cases (hipft/run/testdata/hipft_options): their inputs,
  # made once by the run package's test and shared by the cases, each
  # case's namelist and HipFT's outputs.
  rm -rf .devdata/options && mkdir -p .devdata/options
  CGO_ENABLED= GOOS= GOARCH= GOFT_WRITE_HIPFT_CASE="$root/.devdata/options/all" go test -count=1 -run TestWriteHipFTOptionCases ./hipft/run/ >/dev/null
  mv .devdata/options/all/strang .devdata/options/inputs && rm .devdata/options/inputs/hipft.in && rm -rf .devdata/options/all
  for d in hipft/run/testdata/hipft_options/*/; do
    c=$(basename "$d")
    mkdir -p ".devdata/options/$c" && cp -r "$d"hipft.in "$d"reference ".devdata/options/$c/"
  done
  # HipFT's smooth_magnetogram example and HipFT's histories of it.
  rm -rf .devdata/smooth && mkdir -p .devdata/smooth
  cp -r hipft/run/testdata/hipft_smooth_magnetogram/. .devdata/smooth/
  # The CPU runs of the testsuite are done here (they are deterministic),
  # to save GPU-machine time; their wall times are this machine's.
  if [ "${GOFT_CHECK_CPU_HERE:-1}" = 1 ]; then
    w=$(mktemp -d)
    for c in "${cases[@]}"; do
      mkdir -p "$w/$c" ".devdata/cpu/$c"
      cp "$suite/$c/input/"* "$w/$c/"
      t0=$(date +%s.%N)
      (cd "$w/$c" && "$root/.devbin/goft" run hipft.in >run.log 2>&1)
      t1=$(date +%s.%N)
      echo "$c $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b-a}')" >>.devdata/cpu/times
      cp "$w/$c/"hipft_history_sol_r*.out "$w/$c/"*_final.h5 "$w/$c/hipft_timing.out" ".devdata/cpu/$c/"
    done
    mkdir -p "$w/smooth" .devdata/cpu/smooth
    cp .devdata/smooth/hipft.in "$w/smooth/" && ln -s "$root/.devdata/maps/$smoothmap" "$w/smooth/"
    t0=$(date +%s.%N)
    (cd "$w/smooth" && "$root/.devbin/goft" run hipft.in >run.log 2>&1)
    t1=$(date +%s.%N)
    echo "smooth $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b-a}')" >>.devdata/cpu/times
    cp "$w/smooth/"hipft_history_sol_r*.out "$w/smooth/"*_final.h5 .devdata/cpu/smooth/
    echo "cpu: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(date -u +%F)" >.devdata/cpu/machine
    rm -rf "$w"
  fi
  du -sh .devbin .devdata
  exit 0
fi

bin=$root/.devbin
data=$root/.devdata
out=${OUT:-$root/.devout}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
exec > >(tee "$out/gpu-check.log") 2>&1
summary=$out/summary.txt
: >"$summary"
say() { echo "$*" | tee -a "$summary"; }
export GOFT_GPU_CACHE=$work/kcache GOFT_GPU_EMU=0
# GOFT_CHECK_DRY=1 checks this script without a GPU: the "GPU" runs use
# the CPU and the device-only steps are skipped.
gpuflag=-gpu
[ "${GOFT_CHECK_DRY:-}" = 1 ] && gpuflag=

say "== goft GPU check, $(date -u '+%F %T UTC'), host $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
say "$(nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem --format=csv,noheader 2>&1)"

if [ -z "$gpuflag" ]; then echo "DRY RUN: no GPU steps"; else
echo "== probe (cold kernel cache: NVRTC compiles)"
t0=$(date +%s.%N)
timeout 120 "$bin/gpucheck" probe | tee -a "$summary"
[ "${PIPESTATUS[0]}" = 0 ] || { say "FATAL: no GPU for goft"; exit 1; }
t1=$(date +%s.%N)
say "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "probe with cold cache: %.2f s wall", b-a}')"

echo "== GPU kernel tests against the CPU (small cases, every method)"
# (run from the package's folder: the assimilation cases read model/assim/testdata)
(cd "$root/arch/gpu" && timeout 180 "$bin/gpu.test" -test.run 'Device' -test.v -test.timeout 170s) 2>&1 | grep -v '^=== RUN' | tee "$work/kt.txt"
grep -q '^--- FAIL\|^FAIL' "$work/kt.txt" && say "kernel tests: FAIL" || say "kernel tests: $(grep -c 'field max rel diff' "$work/kt.txt") cases ok ($(grep -c 'bit-identical true' "$work/kt.txt") bit-identical)"
fi

# timed DIR LABEL CMD...: runs CMD in DIR, appends "LABEL seconds" to times.
timed() {
  local dir=$1 label=$2; shift 2
  local t0 t1
  t0=$(date +%s.%N)
  (cd "$dir" && timeout "${LIMIT:-150}" "$@" >run.log 2>&1)
  local rc=$?
  t1=$(date +%s.%N)
  local s
  s=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b-a}')
  echo "$label $s" >>"$work/times"
  [ $rc -eq 0 ] || { echo "$label FAILED (exit $rc):"; tail -5 "$dir/run.log"; }
  echo "$s"
}
: >"$work/times"

echo "== testsuite: GPU and CPU runs"
cpuhere=
if [ -f "$data/cpu/times" ]; then
  cpuhere=1
  say "CPU runs prepared beforehand on $(cat "$data/cpu/machine")"
fi
say "$(printf '%-30s %9s %9s %9s  %s' case HipFT_s GPU_s CPU_s checks)"
for c in "${cases[@]}"; do
  n=$(ls "$data/suite/$c/reference/"hipft_history_sol_r*.out | wc -l)
  for kind in gpu cpu; do
    rm -rf "$work/$kind/$c"; mkdir -p "$work/$kind/$c"; cp "$data/suite/$c/input/"* "$work/$kind/$c/"
  done
  tg=$(timed "$work/gpu/$c" "gpu_$c" "$bin/goft" run $gpuflag hipft.in)
  if [ -n "$cpuhere" ]; then
    cp "$data/cpu/$c/"* "$work/cpu/$c/"
    tc=$(awk -v c="$c" '$1 == c {print $2}' "$data/cpu/times")
    echo "cpu_$c $tc" >>"$work/times"
  else
    tc=$(timed "$work/cpu/$c" "cpu_$c" "$bin/goft" run hipft.in)
  fi
  th=$(awk '/Wall clock time:/ {print $4; exit}' "$data/suite/$c/reference/hipft_timing.out")
  chk=$("$bin/gpucheck" compare -ref "$data/suite/$c/reference" -cpu "$work/cpu/$c" -gpu "$work/gpu/$c" -n "$n" -name "$c" | cut -c32-)
  echo "$th" >>"$work/hipft_times"
  say "$(printf '%-30s %9s %9s %9s  %s' "$c" "$th" "$tg" "$tc" "$chk")"
done
sumcol() { grep "^$1_" "$work/times" | awk '{s+=$2} END {printf "%.2f", s}'; }
say "$(printf '%-30s %9s %9s %9s' 'testsuite total' "$(awk '{s+=$1} END {printf "%.2f", s}' "$work/hipft_times")" "$(sumcol gpu)" "$(sumcol cpu)")"
say "GPU kernel line of a testsuite log: $(grep -m1 'Kernels run on' "$work/gpu/diffuse_soccer/run.log")"

echo "== HipFT's smooth_magnetogram example (1024x512 map, grid diffusion coefficient: a coefficient that varies in space)"
for kind in smooth_gpu smooth_gpu2; do
  mkdir -p "$work/$kind"
  cp "$data/smooth/hipft.in" "$work/$kind/"
  ln -s "$data/maps/$smoothmap" "$work/$kind/$smoothmap"
done
ts=$(timed "$work/smooth_gpu" smooth_gpu "$bin/goft" run $gpuflag -q hipft.in)
ts2=$(timed "$work/smooth_gpu2" smooth_gpu2 "$bin/goft" run $gpuflag -q hipft.in)
tsc=$(awk '$1 == "smooth" {print $2}' "$data/cpu/times" 2>/dev/null)
chk=$("$bin/gpucheck" compare -ref "$data/smooth/reference" -cpu "$data/cpu/smooth" -gpu "$work/smooth_gpu" -n 1 -name smooth | cut -c32-)
say "smooth_magnetogram example: GPU ${ts} s and ${ts2} s wall; CPU ${tsc:-?} s (prepared beforehand); HipFT 2-thread 3.72 s on the 2-core build machine (bench/RESULTS.md); $chk"

echo "== HipFT option cases (hipft/run/testdata/hipft_options: every option the testsuite leaves at its default)"
npass=0 nall=0 worst=0 expected=""
for d in "$data/options"/*/; do
  c=$(basename "$d")
  [ "$c" = inputs ] && continue
  w="$work/options/$c"
  mkdir -p "$w"
  for f in "$data/options/inputs"/*; do ln -s "$f" "$w/"; done
  cp "$d/hipft.in" "$w/"
  nall=$((nall + 1))
  if ! (cd "$w" && timeout 60 "$bin/goft" run $gpuflag -q hipft.in >run.log 2>&1); then
    # HipFT's flow_rigid_omega gives NaN; goft must stop with its error.
    if grep -q NaN "$d/reference/hipft_history_sol_r000001.out" && grep -q "flow_rigid_omega" "$w/run.log"; then
      npass=$((npass + 1)); expected="$expected $c"
    else
      echo "$c FAILED: $(tail -2 "$w/run.log")"
    fi
    continue
  fi
  res=$("$bin/goft" compare -p 5 "$d/reference" "$w" 2>&1)
  if [ $? = 0 ]; then npass=$((npass + 1)); else echo "$c: $res"; fi
  worst=$(echo "$res" | awk -v m="$worst" '$2 == "PASS" || $2 == "FAIL" || $2 == "-" {if ($3 + 0 > m) m = $3 + 0} END {print m}')
done
say "option cases on the GPU: $npass of $nall pass HipFT's rule at precision 5 against HipFT 1.19.3 (stopped with the expected error:${expected:- none}); largest history difference $worst of a column's scale"

[ -z "$gpuflag" ] && { echo "DRY RUN: production skipped"; exit 0; }
echo "== production-size case"
for kind in gpu gpu2 gpuprof gpu1 gpu1prof cpu; do
  mkdir -p "$work/prod_$kind"
  cp "$root/bench/production/hipft.in" "$work/prod_$kind/"
  ln -s "$data/maps/$prodmap" "$work/prod_$kind/$prodmap"
done
tp=$(timed "$work/prod_gpu" prod_gpu "$bin/goft" run -gpu -q hipft.in)
tp2=$(timed "$work/prod_gpu2" prod_gpu2 "$bin/goft" run -gpu -q hipft.in)
GOFT_GPU_PROFILE=$out/profile-production.txt timed "$work/prod_gpuprof" prod_gpuprof "$bin/goft" run -gpu -q hipft.in >/dev/null
# One launch per diffusion stage (GOFT_GPU_STAGES=1), the kernels before
# the blocked stages, for comparison; the results are the same bits.
tp1=$(GOFT_GPU_STAGES=1 timed "$work/prod_gpu1" prod_gpu1 "$bin/goft" run -gpu -q hipft.in)
GOFT_GPU_STAGES=1 GOFT_GPU_PROFILE=$out/profile-production-1stage.txt timed "$work/prod_gpu1prof" prod_gpu1prof "$bin/goft" run -gpu -q hipft.in >/dev/null
same=$(cmp -s "$work/prod_gpu/hipft_history_sol_r000001.out" "$work/prod_gpu1/hipft_history_sol_r000001.out" && echo identical || echo DIFFERENT)
tcp=$(timed "$work/prod_cpu" prod_cpu "$bin/goft" run -q hipft.in)
chk=$("$bin/gpucheck" compare -cpu "$work/prod_cpu" -gpu "$work/prod_gpu" -n 8 -name production | cut -c32-)
loop=$(awk '/Wall clock time:/ {w=$4} /--> Setup:/ {s=$3} END {printf "%.2f", w-s}' "$work/prod_gpu/hipft_timing.out")
cp "$work/prod_gpu/hipft_timing.out" "$out/production-gpu-timing.out"
cp "$work/prod_cpu/hipft_timing.out" "$out/production-cpu16-timing.out"
say "production: GPU ${tp} s and ${tp2} s wall (time loop ${loop} s, hipft_timing.out); CPU ${tcp} s wall on $(nproc) cores; $chk"
phases() { awk '/Run time summary/ {exit} /^ --> |^     --> / {sub(/^ *--> /, ""); printf "%s ", $0} END {print ""}' "$1" | tr -s ' '; }
say "production GPU phases (hipft_timing.out, s): $(phases "$work/prod_gpu/hipft_timing.out")"
say "production GPU phases, one launch per stage: $(phases "$work/prod_gpu1/hipft_timing.out")"
say "production, one launch per diffusion stage (GOFT_GPU_STAGES=1): ${tp1} s wall; histories against the blocked stages: $same"
say "production stages: $(tail -1 "$work/prod_gpu/hipft_history_num_r000001.out" | awk '{print "N_DIFF_PER_STEP", $7, "N_DIFF_CYCLES", $8}')"
echo "== production: shapes of the blocked diffusion stages (GOFT_GPU_STS_SHAPE, halo = stages per launch)"
for shape in 4,64x32 2,64x32 6,64x32 8,64x64 4,64x64 4,128x32 6,128x32; do
  d="$work/prod_shape_${shape/,/_}"
  mkdir -p "$d"
  cp "$root/bench/production/hipft.in" "$d/"
  ln -s "$data/maps/$prodmap" "$d/$prodmap"
  GOFT_GPU_STS_SHAPE=$shape timed "$d" "shape_$shape" "$bin/goft" run -gpu -q hipft.in >/dev/null # compiles the shape
  tw=$(GOFT_GPU_STS_SHAPE=$shape timed "$d" "shape_$shape" "$bin/goft" run -gpu -q hipft.in)
  tl=$(awk '/Wall clock time:/ {w=$4} /--> Setup:/ {s=$3} END {printf "%.3f", w-s}' "$d/hipft_timing.out")
  same=$(cmp -s "$work/prod_gpu/hipft_history_sol_r000001.out" "$d/hipft_history_sol_r000001.out" && echo identical || echo DIFFERENT)
  say "shape $shape: ${tw} s wall, time loop ${tl} s; histories against the default: $same"
done
echo "== per-kernel profile of the production case"
cat "$out/profile-production.txt" | tee -a "$summary"
echo "== the same with one launch per diffusion stage"
cat "$out/profile-production-1stage.txt" | tee -a "$summary"
echo
echo "== SUMMARY"
cat "$summary"
