// Added to FerretDB v1.24.2 by the audit-log project's tools build (packages/local-servers).

package entries

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/FerretDB/FerretDB/internal/types"
)

// Index is one index kept as an entries table: a BLOB column per key field (k0, k1, …) and the
// document's rowid, the primary key being all of them in the index's directions.
type Index struct {
	Table  string
	Fields []string
	Desc   []bool
	Unique bool
}

// Entry is one row of an entries table without its rowid: a key per field.
type Entry [][]byte

// Bits marks key positions (bit i for field i).
type Bits uint64

// Has reports whether field i is marked.
func (b Bits) Has(i int) bool {
	return b&(1<<uint(i)) != 0
}

// Of returns the distinct entries a document has in an index (several when a field holds an
// array), which fields hold arrays (multikey) and which hold values whose keys do not order
// (documents, nested arrays, regular expressions). Like MongoDB, it refuses a document with
// arrays in two fields of one index: their entries would be every pair.
func Of(doc *types.Document, fields []string) ([]Entry, Bits, Bits, error) {
	perField := make([][][]byte, len(fields))

	var multikey, inexact Bits

	arrays := 0

	for i, f := range fields {
		keys, isArray, exact := fieldKeys(doc, f)
		perField[i] = keys

		if isArray {
			multikey |= 1 << uint(i)
			arrays++
		}

		if !exact {
			inexact |= 1 << uint(i)
		}
	}

	if arrays > 1 {
		return nil, 0, 0, fmt.Errorf("cannot index parallel arrays [%s]", strings.Join(fields, "] ["))
	}

	res := []Entry{make(Entry, 0, len(fields))}

	for _, keys := range perField {
		next := make([]Entry, 0, len(res)*len(keys))

		for _, e := range res {
			for _, k := range keys {
				next = append(next, append(slices.Clip(e), k))
			}
		}

		res = next
	}

	return res, multikey, inexact, nil
}

// fieldKeys returns the keys of one field: its value's, a missing field's (null's), or those
// of an array's distinct elements.
func fieldKeys(doc *types.Document, field string) ([][]byte, bool, bool) {
	v, ok := lookup(doc, field)
	if !ok {
		return [][]byte{NullKey()}, false, true
	}

	arr, isArray := v.(*types.Array)
	if !isArray {
		k, exact := Key(v)
		return [][]byte{k}, false, exact
	}

	if arr.Len() == 0 {
		return [][]byte{EmptyArrayKey()}, true, true
	}

	keys := make([][]byte, 0, arr.Len())
	exact := true

	for i := 0; i < arr.Len(); i++ {
		el, _ := arr.Get(i)
		k, ex := Key(el)
		exact = exact && ex
		keys = append(keys, k)
	}

	slices.SortFunc(keys, bytes.Compare)

	return slices.CompactFunc(keys, bytes.Equal), true, exact
}

// lookup reads a top-level field, or a dotted path through embedded documents.
func lookup(doc *types.Document, field string) (any, bool) {
	if !strings.Contains(field, ".") {
		v, err := doc.Get(field)
		return v, err == nil
	}

	path, err := types.NewPathFromString(field)
	if err != nil {
		return nil, false
	}

	v, err := doc.GetByPath(path)

	return v, err == nil
}
