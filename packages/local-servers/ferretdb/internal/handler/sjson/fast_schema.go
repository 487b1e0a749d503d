// Added to FerretDB v1.24.2 by the audit-log project's tools build (packages/local-servers).

package sjson

import (
	"strconv"
	"strings"

	"github.com/FerretDB/FerretDB/internal/types"
)

// schema decodes a document's "$s" as Unmarshal's strict encoding/json decoding would, for the
// exact member names Marshal writes ("p", "$k"; "t", "$s", "o", "i"). A member seen twice, any
// other name (encoding/json would also match "P" or "T"), or binData's subtype makes it report
// false, and Unmarshal takes over.
func (d *fastDecoder) schema() (*schema, bool) {
	if d.keyword("null") {
		return nil, false
	}

	if !d.literal("{") {
		return nil, false
	}

	sch := new(schema)
	var seenP, seenK bool

	for first := true; !d.literal("}"); first = false {
		if !first && !d.literal(",") {
			return nil, false
		}

		name, ok := d.string()
		if !ok || !d.literal(":") {
			return nil, false
		}

		switch {
		case name == "p" && !seenP:
			seenP = true
			ok = d.properties(sch)
		case name == "$k" && !seenK:
			seenK = true
			sch.Keys, ok = d.keys()
		default:
			ok = false
		}

		if !ok {
			return nil, false
		}
	}

	return sch, true
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

	for first := true; !d.literal("}"); first = false {
		if !first && !d.literal(",") {
			return false
		}

		name, ok := d.schemaString()
		if !ok || !d.literal(":") {
			return false
		}

		if _, dup := sch.Properties[name]; dup {
			return false
		}

		e, ok := d.elem()
		if !ok {
			return false
		}

		sch.Properties[name] = e
	}

	return true
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

	for first := true; !d.literal("]"); first = false {
		if !first && !d.literal(",") {
			return nil, false
		}

		k, ok := d.schemaString()
		if !ok {
			return nil, false
		}

		keys = append(keys, k)
	}

	return keys, true
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
	var seenT, seenS, seenO, seenI, seenSub bool

	for first := true; !d.literal("}"); first = false {
		if !first && !d.literal(",") {
			return nil, false
		}

		name, ok := d.string()
		if !ok || !d.literal(":") {
			return nil, false
		}

		switch {
		case name == "t" && !seenT:
			seenT = true
			var t string
			t, ok = d.schemaString()
			e.Type = elemType(t)
		case name == "$s" && !seenS:
			seenS = true
			if !d.keyword("null") {
				e.Schema, ok = d.schema()
			}
		case name == "o" && !seenO:
			seenO = true
			if !d.keyword("null") {
				var o string
				o, ok = d.schemaString()
				e.Options = &o
			}
		case name == "i" && !seenI:
			seenI = true
			e.Items, ok = d.items()
		case name == "s" && !seenSub:
			seenSub = true
			if !d.keyword("null") {
				e.Subtype, ok = d.subtype()
			}
		default:
			ok = false
		}

		if !ok {
			return nil, false
		}
	}

	return e, true
}

// items decodes "i", an array's element schemas; `[]` is an empty list, not a missing one.
func (d *fastDecoder) items() ([]*elem, bool) {
	if d.keyword("null") {
		return nil, true
	}

	if !d.literal("[") {
		return nil, false
	}

	items := []*elem{}

	for first := true; !d.literal("]"); first = false {
		if !first && !d.literal(",") {
			return nil, false
		}

		e, ok := d.elem()
		if !ok {
			return nil, false
		}

		items = append(items, e)
	}

	return items, true
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
