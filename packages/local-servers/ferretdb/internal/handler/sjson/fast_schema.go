// Added to FerretDB v1.24.2 by the audit-log project's tools build (packages/local-servers).

package sjson

import (
	"strconv"
	"strings"

	"github.com/FerretDB/FerretDB/internal/types"
)

// schema decodes a document's "$s" as Unmarshal's strict encoding/json decoding would, for the
// exact member names Marshal writes ("p", "$k"; "t", "$s", "o", "i", "s"). A member seen twice or
// any other name (encoding/json would also match "P" or "T") makes it report false, and Unmarshal
// takes over.
func (d *fastDecoder) schema() (*schema, bool) {
	if d.keyword("null") || !d.literal("{") {
		return nil, false
	}

	sch := new(schema)
	ok := d.members(func(name string) bool {
		switch name {
		case "p":
			return d.properties(sch)
		case "$k":
			var ok bool
			sch.Keys, ok = d.keys()

			return ok
		default:
			return false
		}
	})

	return sch, ok
}

// properties decodes "p", the map of field names to their elements.
func (d *fastDecoder) properties(sch *schema) bool {
	if d.keyword("null") {
		return true
	}

	if !d.literal("{") {
		return false
	}

	sch.Properties = map[string]*elem{}

	return d.each("}", func() bool {
		name, ok := d.schemaString()
		if _, dup := sch.Properties[name]; !ok || dup || !d.literal(":") {
			return false
		}

		sch.Properties[name], ok = d.elem()

		return ok
	})
}

// keys decodes "$k", the field names in order.
func (d *fastDecoder) keys() ([]string, bool) {
	if d.keyword("null") {
		return nil, true
	}

	if !d.literal("[") {
		return nil, false
	}

	keys := []string{}
	ok := d.each("]", func() bool {
		k, ok := d.schemaString()
		keys = append(keys, k)

		return ok
	})

	return keys, ok
}

// elem decodes one element of a schema; null is a nil element, as encoding/json leaves it.
func (d *fastDecoder) elem() (*elem, bool) {
	if d.keyword("null") {
		return nil, true
	}

	if !d.literal("{") {
		return nil, false
	}

	e := new(elem)
	ok := d.members(func(name string) bool {
		switch name {
		case "$s", "o", "i", "s":
			if d.keyword("null") {
				return true // a nil pointer or list, as encoding/json leaves it
			}
		case "t":
		default:
			return false
		}

		var ok bool

		switch name {
		case "t":
			var t string
			t, ok = d.schemaString()
			e.Type = elemType(t)
		case "$s":
			e.Schema, ok = d.schema()
		case "o":
			var o string
			o, ok = d.schemaString()
			e.Options = &o
		case "i":
			e.Items, ok = d.items()
		case "s":
			e.Subtype, ok = d.subtype()
		}

		return ok
	})

	return e, ok
}

// items decodes "i", an array's element schemas; `[]` is an empty list, not a missing one.
func (d *fastDecoder) items() ([]*elem, bool) {
	if !d.literal("[") {
		return nil, false
	}

	items := []*elem{}
	ok := d.each("]", func() bool {
		e, ok := d.elem()
		items = append(items, e)

		return ok
	})

	return items, ok
}

// members runs one for each member of an object whose "{" the cursor has passed, through its
// "}", with the member's name; false when one fails, a name comes twice or the syntax is off.
func (d *fastDecoder) members(one func(name string) bool) bool {
	seen := map[string]bool{}

	return d.each("}", func() bool {
		name, ok := d.string()
		if !ok || seen[name] || !d.literal(":") {
			return false
		}

		seen[name] = true

		return one(name)
	})
}

// each runs one for each element of an array or member of an object whose opening the cursor
// has passed, through its closing; false when one fails or a separator is missing.
func (d *fastDecoder) each(closing string, one func() bool) bool {
	for first := true; !d.literal(closing); first = false {
		if (!first && !d.literal(",")) || !one() {
			return false
		}
	}

	return true
}

// subtype decodes binData's "s" as encoding/json decodes a byte: digits only, at most 255.
func (d *fastDecoder) subtype() (*types.BinarySubtype, bool) {
	start := d.pos
	for d.pos < len(d.data) && d.data[d.pos] >= '0' && d.data[d.pos] <= '9' {
		d.pos++
	}

	if d.pos == start || (d.data[start] == '0' && d.pos-start > 1) {
		return nil, false
	}

	n, err := strconv.ParseUint(string(d.data[start:d.pos]), 10, 8)
	st := types.BinarySubtype(n)

	return &st, err == nil
}

// schemaString decodes a string of a schema into memory of its own: schemas outlive the document
// they came with (in the cache), and the document's strings share one allocation.
func (d *fastDecoder) schemaString() (string, bool) {
	s, ok := d.string()
	return strings.Clone(s), ok
}
