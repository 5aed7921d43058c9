package input

import (
	"sort"
	"strconv"
	"strings"

	"github.com/goft-sft/goft/format/namelist"
)

// Error is a problem with one parameter of hipft.in (see namelist.ParamError:
// "file:line: msg", naming the parameter and the fix).
type Error = namelist.ParamError

// ErrorList is every problem found in a file, one per line.
type ErrorList = namelist.ParamErrors

// sortedErrors sorts l by line (those without a line last), stably.
func sortedErrors(l ErrorList) ErrorList {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i].Line, l[j].Line
		if a == 0 || b == 0 {
			return a != 0 && b == 0
		}
		return a < b
	})
	return l
}

func itoa(i int) string { return strconv.Itoa(i) }

// levenshtein returns the edit distance between a and b.
func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// removed lists names that users may expect but HipFT 1.19.3 does not
// accept, with an explanation.
var removed = map[string]string{
	"output_flows_root_filename": "cannot be set: HipFT fixes the flow file root name to \"hipft_flow\" (it is not in the namelist)",
	"initial_map_is_3d":          "was removed in HipFT 1.19.0: whether the initial map is 2D or 3D is detected from the file",
}

// suggest returns the known name closest to name, or "" when none is
// close enough to be a likely typo.
func suggest(name string) string {
	best, bestD := "", 1<<30
	for _, n := range Names() {
		if d := levenshtein(name, n); d < bestD {
			best, bestD = n, d
		}
	}
	limit := max(2, len(name)/4)
	if bestD <= limit {
		return best
	}
	// A unique known name that contains the given one (e.g. a prefix).
	var found []string
	for _, n := range Names() {
		if len(name) >= 4 && strings.Contains(n, name) {
			found = append(found, n)
		}
	}
	if len(found) == 1 {
		return found[0]
	}
	return ""
}
