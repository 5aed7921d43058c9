package namelist

// Closest returns the name of known closest to name by edit distance, or
// "" when none is within max(2, len(name)/4) edits (too far to be a likely
// typo), for "did you mean" messages.
func Closest(name string, known []string) string {
	best, bestD := "", 1<<30
	for _, n := range known {
		if d := levenshtein(name, n); d < bestD {
			best, bestD = n, d
		}
	}
	if bestD <= max(2, len(name)/4) {
		return best
	}
	return ""
}

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
