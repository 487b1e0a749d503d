// Added to FerretDB v1.24.2 by the audit-log project's tools build (packages/local-servers).

package types

import (
	"testing"
)

// A compiled expression is reused, and a cached one matches exactly as a fresh compilation does.
func TestRegexCompileCached(t *testing.T) {
	t.Parallel()

	r := Regex{Pattern: `(?:^|[^\p{L}\p{N}_])drift[^\p{L}\p{N}_]+detected`, Options: "i"}

	first, err := r.Compile()
	if err != nil {
		t.Fatal(err)
	}

	second, err := r.Compile()
	if err != nil {
		t.Fatal(err)
	}

	if first != second {
		t.Fatal("the second compilation was not taken from the cache")
	}

	for _, s := range []string{"Drift  detected", "drift-detected!", "nodrift detected", "drift"} {
		fresh := compileUncached(t, r)
		if got, want := second.MatchString(s), fresh.MatchString(s); got != want {
			t.Fatalf("%q: cached %v, fresh %v", s, got, want)
		}
	}

	if _, err := (Regex{Pattern: "a", Options: "x"}).Compile(); err != ErrOptionNotImplemented {
		t.Fatalf("option x: %v", err)
	}
}

func compileUncached(t *testing.T, r Regex) interface{ MatchString(string) bool } {
	t.Helper()

	compiledRegexes.mu.Lock()
	clear(compiledRegexes.m)
	compiledRegexes.mu.Unlock()

	re, err := r.Compile()
	if err != nil {
		t.Fatal(err)
	}

	return re
}
