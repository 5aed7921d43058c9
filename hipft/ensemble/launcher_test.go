package ensemble

import (
	"strings"
	"testing"
)

func TestDetect(t *testing.T) {
	cases := []struct {
		name        string
		rank, ranks int // flags (-1, 0: not given)
		env         map[string]string
		want        Place
		wantErr     []string // substrings of the error
	}{
		{name: "alone", rank: -1, want: Place{0, 1, "no launcher"}},
		{name: "flags", rank: 2, ranks: 3, want: Place{2, 3, "--rank/--ranks"}},
		{name: "flags win over the environment", rank: 1, ranks: 2,
			env: map[string]string{"OMPI_COMM_WORLD_RANK": "3", "OMPI_COMM_WORLD_SIZE": "4"}, want: Place{1, 2, "--rank/--ranks"}},
		{name: "open mpi", rank: -1, env: map[string]string{"OMPI_COMM_WORLD_RANK": "3", "OMPI_COMM_WORLD_SIZE": "4"},
			want: Place{3, 4, "OMPI_COMM_WORLD_RANK/OMPI_COMM_WORLD_SIZE"}},
		{name: "mpich pmi", rank: -1, env: map[string]string{"PMI_RANK": "0", "PMI_SIZE": "2"},
			want: Place{0, 2, "PMI_RANK/PMI_SIZE"}},
		{name: "slurm srun", rank: -1, env: map[string]string{"SLURM_PROCID": "4", "SLURM_NTASKS": "5"},
			want: Place{4, 5, "SLURM_PROCID/SLURM_NTASKS"}},
		{name: "slurm step tasks", rank: -1, env: map[string]string{"SLURM_PROCID": "1", "SLURM_STEP_NUM_TASKS": "2"},
			want: Place{1, 2, "SLURM_PROCID/SLURM_STEP_NUM_TASKS"}},
		{name: "mpirun inside slurm: the MPI rank wins", rank: -1,
			env:  map[string]string{"OMPI_COMM_WORLD_RANK": "5", "OMPI_COMM_WORLD_SIZE": "8", "SLURM_PROCID": "1", "SLURM_NTASKS": "2"},
			want: Place{5, 8, "OMPI_COMM_WORLD_RANK/OMPI_COMM_WORLD_SIZE"}},
		{name: "job array from 0", rank: -1, env: map[string]string{"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "0"},
			want: Place{2, 3, "SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT"}},
		{name: "job array from 1", rank: -1, env: map[string]string{"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_STEP": "1"},
			want: Place{0, 3, "SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT"}},
		{name: "job array with one task per element", rank: -1,
			env:  map[string]string{"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "2", "SLURM_PROCID": "0", "SLURM_NTASKS": "1"},
			want: Place{1, 2, "SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT"}},
		{name: "job array of srun steps", rank: -1,
			env:  map[string]string{"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "2", "SLURM_PROCID": "1", "SLURM_NTASKS": "3"},
			want: Place{4, 6, "SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT with SLURM_PROCID/SLURM_NTASKS"}},

		{name: "rank without ranks", rank: 1, wantErr: []string{"--rank 1 needs --ranks"}},
		{name: "ranks without rank", rank: -1, ranks: 3, wantErr: []string{"--ranks 3 needs --rank"}},
		{name: "rank too large", rank: 3, ranks: 3, wantErr: []string{"--rank 3 is outside 0..2"}},
		{name: "size missing", rank: -1, env: map[string]string{"PMI_RANK": "1"}, wantErr: []string{"PMI_RANK=1", "PMI_SIZE", "--rank and --ranks"}},
		{name: "not a number", rank: -1, env: map[string]string{"SLURM_PROCID": "x", "SLURM_NTASKS": "2"}, wantErr: []string{`SLURM_PROCID="x" is not an integer`}},
		{name: "zero size", rank: -1, env: map[string]string{"OMPI_COMM_WORLD_RANK": "0", "OMPI_COMM_WORLD_SIZE": "0"}, wantErr: []string{"OMPI_COMM_WORLD_SIZE=0 must be at least 1"}},
		{name: "rank beyond size", rank: -1, env: map[string]string{"OMPI_COMM_WORLD_RANK": "2", "OMPI_COMM_WORLD_SIZE": "2"}, wantErr: []string{"OMPI_COMM_WORLD_RANK=2 is outside 0..1"}},
		{name: "array without count", rank: -1, env: map[string]string{"SLURM_ARRAY_TASK_ID": "1"}, wantErr: []string{"SLURM_ARRAY_TASK_COUNT is not"}},
		{name: "stepped array", rank: -1, env: map[string]string{"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "2", "SLURM_ARRAY_TASK_STEP": "2"}, wantErr: []string{"SLURM_ARRAY_TASK_STEP=2", "consecutive"}},
		{name: "array id out of range", rank: -1, env: map[string]string{"SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_COUNT": "3"}, wantErr: []string{"SLURM_ARRAY_TASK_ID=5 is outside 0..2", "--array=0-2"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Detect(c.rank, c.ranks, func(k string) string { return c.env[k] })
			if c.wantErr != nil {
				if err == nil {
					t.Fatalf("Detect = %v, want an error", got)
				}
				for _, w := range c.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not mention %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("Detect = %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestPlacePart(t *testing.T) {
	if p := (Place{0, 1, "no launcher"}).Part(); p != nil {
		t.Errorf("a lone process got part %+v; it must write a normal run", *p)
	}
	if p := (Place{2, 3, "x"}).Part(); p == nil || p.Rank != 2 || p.Ranks != 3 {
		t.Errorf("Part = %+v, want rank 2 of 3", p)
	}
}

func TestParsePart(t *testing.T) {
	for _, c := range []struct {
		name, merged string
		rank, ranks  int
		ok           bool
	}{
		{"hipft_brmap_final.part001of003.h5", "hipft_brmap_final.h5", 1, 3, true},
		{"hipft_brmap_idx000004.part011of012.h5", "hipft_brmap_idx000004.h5", 11, 12, true},
		{ManifestName(2, 5), manifestBase, 2, 5, true},
		{"hipft_brmap_final.h5", "", 0, 0, false},
		{"x.part1of3.h5", "", 0, 0, false}, // not as run.PartName writes it
		{"x.part001of003.h5.tmp-123", "", 0, 0, false},
	} {
		m, r, n, ok := parsePart(c.name)
		if ok != c.ok || (ok && (m != c.merged || r != c.rank || n != c.ranks)) {
			t.Errorf("parsePart(%q) = %q, %d, %d, %v; want %q, %d, %d, %v", c.name, m, r, n, ok, c.merged, c.rank, c.ranks, c.ok)
		}
	}
}

// TestLocalRank checks the node-local rank variables, their order and
// malformed values.
func TestLocalRank(t *testing.T) {
	cases := []struct {
		env    map[string]string
		rank   int
		source string
		ok     bool
		err    bool
	}{
		{map[string]string{}, 0, "", false, false},
		{map[string]string{"SLURM_LOCALID": "3"}, 3, "SLURM_LOCALID", true, false},
		{map[string]string{"MPI_LOCALRANKID": "1", "SLURM_LOCALID": "0"}, 1, "MPI_LOCALRANKID", true, false},
		{map[string]string{"OMPI_COMM_WORLD_LOCAL_RANK": "2", "SLURM_LOCALID": "0"}, 2, "OMPI_COMM_WORLD_LOCAL_RANK", true, false},
		{map[string]string{"SLURM_LOCALID": "x"}, 0, "SLURM_LOCALID", false, true},
		{map[string]string{"OMPI_COMM_WORLD_LOCAL_RANK": "-1"}, 0, "OMPI_COMM_WORLD_LOCAL_RANK", false, true},
	}
	for _, c := range cases {
		rank, source, ok, err := LocalRank(func(k string) string { return c.env[k] })
		if rank != c.rank || source != c.source || ok != c.ok || (err != nil) != c.err {
			t.Errorf("LocalRank(%v) = %d, %q, %v, %v; want %d, %q, %v, error %v", c.env, rank, source, ok, err, c.rank, c.source, c.ok, c.err)
		}
		if err != nil && !strings.Contains(err.Error(), c.source) {
			t.Errorf("error %q does not name %s", err, c.source)
		}
	}
}
