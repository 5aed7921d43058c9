// Package ensemble spreads one HipFT run's realizations over several
// processes (Slurm tasks or job-array elements, MPI ranks, or explicit
// --rank/--ranks) and merges what they wrote into the files a single
// process writes.
//
// Realizations are independent, so no process talks to another: each one
// finds its place in the job from the launcher's environment (Detect), runs
// its contiguous block of realizations (run.Split, HipFT's rule) and writes
// per-realization history files under their usual names, its share of every
// 3D map as a rank part (run.PartName) and, when it has finished, a small
// manifest (Manifest). Merge then checks that every part is present and
// comes from the same input, and joins them.
package ensemble

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/goft-sft/goft/hipft/run"
)

// Place is where one process sits in a multi-process job: rank Rank
// (0-based) of Ranks, and the flags or environment variables that said so.
type Place struct {
	Rank, Ranks int // this process (0-based) and the number of processes
	// Source names what gave the place, e.g. "OMPI_COMM_WORLD_RANK/_SIZE"
	// or "--rank/--ranks"; "no launcher" for a lone process.
	Source string
}

// Part returns the run.Part of a process in a job of several processes, and
// nil for a lone process (which writes a normal, unsplit run).
func (p Place) Part() *run.Part {
	if p.Ranks <= 1 {
		return nil
	}
	return &run.Part{Rank: p.Rank, Ranks: p.Ranks}
}

// String describes the place, e.g. "rank 1 of 3 (SLURM_PROCID/SLURM_NTASKS)".
func (p Place) String() string {
	return fmt.Sprintf("rank %d of %d (%s)", p.Rank, p.Ranks, p.Source)
}

// launchers are the rank/size variable pairs of the launchers goft knows,
// in the order they are tried. MPI launchers come before Slurm's own
// variables because mpirun inside a Slurm allocation starts its daemons
// with srun, so SLURM_PROCID would give the daemon's node, not the rank.
var launchers = []struct {
	name       string
	rank, size []string // the first variable set is used
}{
	{"Open MPI", []string{"OMPI_COMM_WORLD_RANK"}, []string{"OMPI_COMM_WORLD_SIZE"}},
	{"MPICH/PMI", []string{"PMI_RANK"}, []string{"PMI_SIZE"}},
	{"Slurm", []string{"SLURM_PROCID"}, []string{"SLURM_NTASKS", "SLURM_STEP_NUM_TASKS"}},
}

// Detect finds the process's place in its job. Explicit flags win: rank >= 0
// or ranks > 0 means --rank/--ranks were given (both are then required).
// Otherwise getenv (os.Getenv) is asked for, in order, Open MPI's
// OMPI_COMM_WORLD_RANK/OMPI_COMM_WORLD_SIZE, MPICH's and Intel MPI's
// PMI_RANK/PMI_SIZE, and Slurm's SLURM_PROCID/SLURM_NTASKS; and, inside a
// Slurm job array, SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT (relative to
// SLURM_ARRAY_TASK_MIN) make each array element a block of those ranks:
// element a of an array of A elements, each of N tasks, holds global ranks
// a*N .. a*N+N-1 of A*N. With none of these the process is alone (rank 0 of
// 1). Malformed or inconsistent values are errors naming the variable.
func Detect(rank, ranks int, getenv func(string) string) (Place, error) {
	if rank >= 0 || ranks > 0 {
		switch {
		case ranks <= 0:
			return Place{}, fmt.Errorf("--rank %d needs --ranks N, the number of processes in the job", rank)
		case rank < 0:
			return Place{}, fmt.Errorf("--ranks %d needs --rank I, this process's rank (0 to %d)", ranks, ranks-1)
		case rank >= ranks:
			return Place{}, fmt.Errorf("--rank %d is outside 0..%d for --ranks %d (ranks count from 0)", rank, ranks-1, ranks)
		}
		return Place{Rank: rank, Ranks: ranks, Source: "--rank/--ranks"}, nil
	}
	inner := Place{Rank: 0, Ranks: 1, Source: "no launcher"}
	for _, l := range launchers {
		rv, rs := firstSet(getenv, l.rank)
		if rv == "" {
			continue
		}
		sv, ss := firstSet(getenv, l.size)
		if sv == "" {
			return Place{}, fmt.Errorf("%s=%s is set but %s is not: cannot tell how many processes the job has (%s launcher); pass --rank and --ranks instead",
				rv, rs, strings.Join(l.size, " or "), l.name)
		}
		r, err := envInt(rv, rs, 0)
		if err != nil {
			return Place{}, err
		}
		n, err := envInt(sv, ss, 1)
		if err != nil {
			return Place{}, err
		}
		if r >= n {
			return Place{}, fmt.Errorf("%s=%d is outside 0..%d for %s=%d", rv, r, n-1, sv, n)
		}
		inner = Place{Rank: r, Ranks: n, Source: rv + "/" + sv}
		break
	}
	id := getenv("SLURM_ARRAY_TASK_ID")
	if id == "" {
		return inner, nil
	}
	a, err := envInt("SLURM_ARRAY_TASK_ID", id, 0)
	if err != nil {
		return Place{}, err
	}
	cs := getenv("SLURM_ARRAY_TASK_COUNT")
	if cs == "" {
		return Place{}, fmt.Errorf("SLURM_ARRAY_TASK_ID=%s is set but SLURM_ARRAY_TASK_COUNT is not (Slurm older than 17.11?); pass --rank and --ranks instead", id)
	}
	count, err := envInt("SLURM_ARRAY_TASK_COUNT", cs, 1)
	if err != nil {
		return Place{}, err
	}
	if s := getenv("SLURM_ARRAY_TASK_STEP"); s != "" && s != "1" {
		return Place{}, fmt.Errorf("SLURM_ARRAY_TASK_STEP=%s: goft needs a job array of consecutive indices (e.g. --array=0-%d), not a stepped one", s, count-1)
	}
	lo := 0
	if s := getenv("SLURM_ARRAY_TASK_MIN"); s != "" {
		if lo, err = envInt("SLURM_ARRAY_TASK_MIN", s, 0); err != nil {
			return Place{}, err
		}
	}
	if a-lo >= count || a < lo {
		return Place{}, fmt.Errorf("SLURM_ARRAY_TASK_ID=%d is outside %d..%d (SLURM_ARRAY_TASK_MIN=%d, SLURM_ARRAY_TASK_COUNT=%d): goft needs a job array of consecutive indices such as --array=0-%d",
			a, lo, lo+count-1, lo, count, count-1)
	}
	src := "SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT"
	if inner.Ranks > 1 {
		src += " with " + inner.Source
	}
	return Place{Rank: (a-lo)*inner.Ranks + inner.Rank, Ranks: count * inner.Ranks, Source: src}, nil
}

// firstSet returns the first of names that getenv gives a non-empty value,
// and that value.
func firstSet(getenv func(string) string, names []string) (name, value string) {
	for _, n := range names {
		if v := strings.TrimSpace(getenv(n)); v != "" {
			return n, v
		}
	}
	return "", ""
}

// envInt parses the value of environment variable name as an integer of at
// least min.
func envInt(name, value string, min int) (int, error) {
	v, err := strconv.Atoi(strings.TrimSpace(value))
	if err != nil {
		return 0, fmt.Errorf("%s=%q is not an integer", name, value)
	}
	if v < min {
		return 0, fmt.Errorf("%s=%d must be at least %d", name, v, min)
	}
	return v, nil
}

// localRankVars are the launchers' node-local rank variables, in the order
// LocalRank tries them.
var localRankVars = []string{
	"OMPI_COMM_WORLD_LOCAL_RANK", // Open MPI
	"MPI_LOCALRANKID",            // MPICH (Hydra) and Intel MPI
	"SLURM_LOCALID",              // Slurm (srun)
}

// LocalRank returns the process's rank among the processes of its job on
// the same node, from the first of Open MPI's OMPI_COMM_WORLD_LOCAL_RANK,
// MPICH's and Intel MPI's MPI_LOCALRANKID and Slurm's SLURM_LOCALID that
// getenv finds set, and the variable's name; ok is false when none is set.
// A malformed value is an error naming the variable.
func LocalRank(getenv func(string) string) (rank int, source string, ok bool, err error) {
	for _, v := range localRankVars {
		s := getenv(v)
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 0 {
			return 0, v, false, fmt.Errorf("%s=%q is not a local rank (0, 1, ...)", v, s)
		}
		return n, v, true, nil
	}
	return 0, "", false, nil
}
