#!/bin/bash
# bench/inline.sh: a goft run with ConFlow's convective flows made in-line
# (flow_list_filename = a conflow.dat, a goft extension) against the same
# run reading the files `goft conflow` wrote for that conflow.dat (#19).
#
#   bench/inline.sh [-b BIN] [-n R] [-t HOURS] [-r REALIZATIONS] [-w WORKERS]
#
# The case: the 1024x512 HMI map of CR 2255 from $GOFT_MAPS (default
# ../shared/maps), AFT differential rotation and meridional flow plus the
# convective flows of a seeded 1024x512 conflow.dat every 15 minutes,
# attenuation and diffusion, HOURS simulated hours (default 3: 12 flow
# pairs). The two runs alternate R times (default 3) after one warm-up
# each; it prints each run's wall and CPU seconds, the medians, the
# median of the pairwise ratios in-line/files, and what goft conflow
# took to write the files once. It checks that the two runs' histories
# and final maps are byte for byte the same, and exits 1 if not.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin="" n=3 hours=3 reals=1 workers=0
while getopts "b:n:t:r:w:" o; do
	case $o in
	b) bin=$OPTARG ;;
	n) n=$OPTARG ;;
	t) hours=$OPTARG ;;
	r) reals=$OPTARG ;;
	w) workers=$OPTARG ;;
	*) sed -n 2,16p "$0" >&2; exit 2 ;;
	esac
done
maps=${GOFT_MAPS:-$here/../shared/maps}
map=$maps/hmi_synoptic_mr_polfil_720s_cr2255_pslt_pt_1024x512.h5
if [ ! -f "$map" ]; then
	echo "bench/inline.sh: $map not found (set GOFT_MAPS to the folder of the shared HMI maps)" >&2
	exit 2
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/goft-inline.XXXXXX")
trap 'rm -rf "$work"' EXIT
if [ -z "$bin" ]; then
	(cd "$here" && go build -o "$work/goft" ./cmd/goft)
	bin=$work/goft
fi
cp "$map" "$work/br0.h5"
# The flows cover the run and 15 minutes more.
tmax=$(awk -v h="$hours" 'BEGIN { printf "%.1f", h*3600 + 900 }')
cat >"$work/conflow.dat" <<EOF
&conflow_input_parameters
  n_lat = 512
  n_long = 1024
  tmax = $tmax
  dtime = 900.0
  set_random_seed = .true.
  random_seed_value = 12345
  output_directory = 'flows'
/
EOF
t0=$(date +%s.%N)
(cd "$work" && "$bin" conflow -q -workers "$workers" conflow.dat)
t1=$(date +%s.%N)
conflow_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b-a }')
dcs=""
for ((i = 1; i < reals; i++)); do dcs="$dcs 100.0,"; done
input() { # $1: the flow lines
	cat <<EOF
&hipft_input_parameters
  initial_map_filename = '../br0.h5'
  n_realizations = $reals
  time_end = $hours
  dt_max = 1.0
  output_history_time_cadence = 0.5
  output_map_time_cadence = $hours
  advance_flow = .true.
  flow_attenuate = .true.
  flow_attenuate_value = 500.0
  flow_dr_model = 1
  flow_mf_model = 1
  advance_diffusion = .true.
  diffusion_coef_constants = $dcs 100.0
$1
/
EOF
}
mkdir -p "$work/files" "$work/inline"
input "  use_flow_from_files = .true.
  flow_list_filename = '../flows/flow_output_list.csv'
  flow_root_dir = '../flows'" >"$work/files/hipft.in"
input "  use_flow_from_files = .true.
  flow_list_filename = '../conflow.dat'" >"$work/inline/hipft.in"

# one prints "wall cpu" (seconds) of a run in folder $1.
one() {
	local out
	out=$(cd "$work/$1" && rm -rf output_maps hipft_history_* && { /usr/bin/time -f "%e %U %S" "$bin" run -q -workers "$workers" hipft.in >/dev/null; } 2>&1 | tail -1)
	awk '{ printf "%.2f %.2f\n", $1, $2+$3 }' <<<"$out"
}
median() { sort -g | awk '{ a[NR] = $1 } END { m = int((NR+1)/2); print (NR % 2) ? a[m] : (a[m]+a[m+1])/2 }'; }

one files >/dev/null
one inline >/dev/null
for f in "$work"/files/hipft_history_*.out "$work"/files/output_maps/*.h5; do
	g=$work/inline/${f#"$work/files/"}
	if ! cmp -s "$f" "$g"; then
		echo "bench/inline.sh: ${f#"$work/files/"} differs between the file run and the in-line run" >&2
		exit 1
	fi
done
: >"$work/times"
for ((k = 1; k <= n; k++)); do
	read -r fw fc < <(one files)
	read -r iw ic < <(one inline)
	echo "run $k: files ${fw}s wall ${fc}s CPU; in-line ${iw}s wall ${ic}s CPU"
	echo "$fw $fc $iw $ic" >>"$work/times"
done
echo "case: 1024x512, $reals realization(s), $hours h, flow pairs every 15 min; workers $workers (0: all cores); $("$bin" version 2>/dev/null | head -1 || true)"
echo "goft conflow writing the files once: ${conflow_s}s wall"
echo "median files: $(awk '{print $1}' "$work/times" | median)s wall, $(awk '{print $2}' "$work/times" | median)s CPU"
echo "median in-line: $(awk '{print $3}' "$work/times" | median)s wall, $(awk '{print $4}' "$work/times" | median)s CPU"
echo "median ratio in-line/files (wall): $(awk '{ printf "%.3f\n", $3/$1 }' "$work/times" | median)"
echo "histories and final maps byte for byte identical"
