// Added to FerretDB v1.24.2 by the audit-log project's tools build (packages/local-servers).

package types

import (
	"regexp"
	"sync"
)

// compiledRegexes keeps compiled regular expressions by their source. A filter's $regex was
// compiled again for every document it was checked against, and a pattern with Unicode classes
// (\p{L}) took ~0.3 ms to compile: most of a search's time. A *regexp.Regexp is safe for
// concurrent use and nothing here changes one, so they are shared; the cache starts over when full.
var compiledRegexes = regexCache{m: map[string]*regexp.Regexp{}}

const regexCacheSize = 256

type regexCache struct {
	mu sync.RWMutex
	m  map[string]*regexp.Regexp
}

func (c *regexCache) get(expr string) *regexp.Regexp {
	c.mu.RLock()
	defer c.mu.RUnlock()

	return c.m[expr]
}

func (c *regexCache) put(expr string, re *regexp.Regexp) {
	c.mu.Lock()
	defer c.mu.Unlock()

	if len(c.m) >= regexCacheSize {
		clear(c.m)
	}

	c.m[expr] = re
}
