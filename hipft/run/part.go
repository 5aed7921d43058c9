package run

import (
	"fmt"
	"strings"
)

// Part places a run inside a multi-process ensemble: the process of rank
// Rank (0-based) out of Ranks runs a contiguous block of realizations, split
// as HipFT splits them over MPI ranks.
type Part struct {
	Rank, Ranks int
}

// Split returns the 0-based offset and count of the realizations that rank
// runs when nReal realizations are spread over ranks processes: each gets
// floor(nReal/ranks), and the first nReal mod ranks get one more (HipFT's
// rule). More ranks than realizations is an error, as in HipFT.
func Split(nReal, ranks, rank int) (offset, count int, err error) {
	if ranks < 1 || rank < 0 || rank >= ranks {
		return 0, 0, fmt.Errorf("rank %d of %d is not a valid place in a job", rank, ranks)
	}
	if ranks > nReal {
		return 0, 0, fmt.Errorf("there are more processes (%d) than realizations (n_realizations = %d); use at most %d processes", ranks, nReal, nReal)
	}
	avg := nReal / ranks
	extra := nReal - avg*ranks
	for i := 0; i < rank; i++ {
		offset += avg
		if i < extra {
			offset++
		}
	}
	count = avg
	if rank < extra {
		count++
	}
	return offset, count, nil
}

// PartName returns the name rank's share of a map file gets in a
// multi-process run: "name.h5" becomes "name.partRRRofNNN.h5" (ranks
// 0-based). goft merge joins the parts into name.h5.
func PartName(name string, rank, ranks int) string {
	base, ext := name, ""
	if strings.HasSuffix(name, ".h5") {
		base, ext = strings.TrimSuffix(name, ".h5"), ".h5"
	}
	return fmt.Sprintf("%s.part%03dof%03d%s", base, rank, ranks, ext)
}
