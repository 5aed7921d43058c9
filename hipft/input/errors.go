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

// removed lists names that users may expect but HipFT 1.19.3 does not
// accept, with an explanation.
var removed = map[string]string{
	"output_flows_root_filename": "cannot be set: HipFT fixes the flow file root name to \"hipft_flow\" (it is not in the namelist)",
	"initial_map_is_3d":          "was removed in HipFT 1.19.0: whether the initial map is 2D or 3D is detected from the file",
}

// suggest returns the known name closest to name, or "" when none is
// close enough to be a likely typo.
func suggest(name string) string {
	if best := namelist.Closest(name, Names()); best != "" {
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
