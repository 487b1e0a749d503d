// Added to FerretDB v1.24.2 by the audit-log project's tools build (packages/local-servers).

package sjson

import (
	"encoding/json"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/FerretDB/FerretDB/internal/types"
)

// unmarshalFast decodes a stored document in one pass over its bytes, where Unmarshal decodes
// every nesting level again with encoding/json (a 2 KB document took ~0.5 ms, which bounded every
// read). It accepts only the form Marshal writes: compact JSON, "$s" first, fields in the
// schema's order, no duplicate keys, every schema key spelled exactly. On anything else it
// reports false and Unmarshal decodes the document its own way, so a result never differs; types
// it does not decode itself go to unmarshalSingleValue with the value's exact bytes.
func unmarshalFast(data []byte) (*types.Document, bool) {
	// One copy of the bytes for the whole document: its strings are slices of it, not copies each.
	d := fastDecoder{data: data, text: string(data)}

	if !d.literal(`{"$s":`) {
		return nil, false
	}

	sch, ok := d.cachedSchema()
	if !ok {
		return nil, false
	}

	for _, key := range sch.Keys {
		if key == "$s" {
			return nil, false
		}
	}

	doc, ok := d.fields(sch, true)
	if !ok || d.pos != len(data) {
		return nil, false
	}

	return doc, true
}

// schemaCache holds decoded schemas by their bytes: documents of one collection repeat a few
// shapes, and decoding a schema cost more than decoding the values it describes. Decoded schemas
// are never changed, so they are shared; the cache starts over when full.
var schemaCache = struct {
	sync.RWMutex
	m map[string]*schema
}{m: map[string]*schema{}}

const schemaCacheSize = 2048

// cachedSchema decodes the schema at the cursor, or takes it from the cache.
func (d *fastDecoder) cachedSchema() (*schema, bool) {
	start := d.pos
	if !d.skip(0) {
		return nil, false
	}

	raw := d.data[start:d.pos]

	schemaCache.RLock()
	sch, ok := schemaCache.m[string(raw)]
	schemaCache.RUnlock()

	if ok {
		return sch, true
	}

	end := d.pos
	d.pos = start

	if sch, ok = d.schema(); !ok || d.pos != end {
		return nil, false
	}

	schemaCache.Lock()
	if len(schemaCache.m) >= schemaCacheSize {
		clear(schemaCache.m)
	}
	schemaCache.m[string(raw)] = sch
	schemaCache.Unlock()

	return sch, true
}

// fastDecoder is a cursor over one document's bytes.
type fastDecoder struct {
	data []byte
	text string // data as a string
	pos  int
}

// literal consumes s if the input continues with it.
func (d *fastDecoder) literal(s string) bool {
	if len(d.data)-d.pos < len(s) || string(d.data[d.pos:d.pos+len(s)]) != s {
		return false
	}

	d.pos += len(s)

	return true
}

// peek returns the next byte, or 0 at the end.
func (d *fastDecoder) peek() byte {
	if d.pos >= len(d.data) {
		return 0
	}

	return d.data[d.pos]
}

// fields decodes the members of an object after its opening: with the leading comma at the
// top level (after "$s"), or right after "{" below it. The keys must be sch.Keys in order.
func (d *fastDecoder) fields(sch *schema, topLevel bool) (*types.Document, bool) {
	if hasDuplicate(sch.Keys) {
		return nil, false
	}

	pairs := make([]any, 0, 2*len(sch.Keys))

	for i, key := range sch.Keys {
		if (topLevel || i > 0) && !d.literal(",") {
			return nil, false
		}

		got, ok := d.string()
		if !ok || got != key || !d.literal(":") {
			return nil, false
		}

		v, ok := d.value(sch.Properties[key])
		if !ok {
			return nil, false
		}

		pairs = append(pairs, key, v)
	}

	if !d.literal("}") {
		return nil, false
	}

	doc, err := types.NewDocument(pairs...)

	return doc, err == nil
}

// value decodes one value as unmarshalSingleValue would: null whatever the schema says.
func (d *fastDecoder) value(sch *elem) (any, bool) {
	if d.keyword("null") {
		return types.Null, true
	}

	if sch == nil {
		return nil, false
	}

	switch sch.Type {
	case elemTypeString:
		return d.string()
	case elemTypeObject:
		return d.object(sch.Schema)
	case elemTypeArray:
		return d.array(sch.Items)
	case elemTypeInt:
		n, ok := d.integer(32)
		return int32(n), ok
	case elemTypeLong:
		return d.integer(64)
	case elemTypeDate:
		n, ok := d.integer(64)
		return time.UnixMilli(n), ok
	case elemTypeBool:
		if d.keyword("true") {
			return true, true
		}

		return false, d.keyword("false")
	default:
		return d.delegated(sch)
	}
}

// delegated decodes a value of a type read rarely (double, binData, objectId, regex, timestamp)
// with the original decoder, given exactly the value's bytes.
func (d *fastDecoder) delegated(sch *elem) (any, bool) {
	start := d.pos
	if !d.skip(0) {
		return nil, false
	}

	v, err := unmarshalSingleValue(d.data[start:d.pos], sch)

	return v, err == nil
}

// object decodes a nested document.
func (d *fastDecoder) object(sch *schema) (any, bool) {
	if sch == nil || !d.literal("{") {
		return nil, false
	}

	if d.literal("}") {
		return new(types.Document), true
	}

	return d.fields(sch, false)
}

// array decodes an array whose elements have the schemas items, one each.
func (d *fastDecoder) array(items []*elem) (any, bool) {
	if items == nil || !d.literal("[") {
		return nil, false
	}

	a := types.MakeArray(len(items))

	for i, item := range items {
		if i > 0 && !d.literal(",") {
			return nil, false
		}

		v, ok := d.value(item)
		if !ok {
			return nil, false
		}

		a.Append(v)
	}

	return a, d.literal("]")
}

// keyword consumes a JSON literal followed by the end of the value.
func (d *fastDecoder) keyword(s string) bool {
	end := d.pos + len(s)
	if end > len(d.data) || string(d.data[d.pos:end]) != s {
		return false
	}

	if end < len(d.data) {
		switch d.data[end] {
		case ',', '}', ']':
		default:
			return false
		}
	}

	d.pos = end

	return true
}

// integer decodes a JSON integer without fraction or exponent, as encoding/json decodes one into
// an int32 or int64 (it refuses "1.0" and "1e3" there too).
func (d *fastDecoder) integer(bits int) (int64, bool) {
	start := d.pos
	if d.peek() == '-' {
		d.pos++
	}

	digits := d.pos
	for d.pos < len(d.data) && d.data[d.pos] >= '0' && d.data[d.pos] <= '9' {
		d.pos++
	}

	if d.pos == digits || (d.data[digits] == '0' && d.pos-digits > 1) {
		return 0, false
	}

	n, err := strconv.ParseInt(string(d.data[start:d.pos]), 10, bits)

	return n, err == nil
}

// string decodes a JSON string. Without escapes, control characters or invalid UTF-8 the bytes
// are the string; otherwise encoding/json decodes it, replacing invalid UTF-8 as it always has.
func (d *fastDecoder) string() (string, bool) {
	if d.peek() != '"' {
		return "", false
	}

	start := d.pos
	plain := true

	for d.pos++; d.pos < len(d.data); d.pos++ {
		switch c := d.data[d.pos]; {
		case c == '\\':
			plain = false
			d.pos++
		case c == '"':
			d.pos++
			raw := d.data[start:d.pos]

			if plain && utf8.Valid(raw) {
				return d.text[start+1 : d.pos-1], true
			}

			var s string
			err := json.Unmarshal(raw, &s)

			return s, err == nil
		case c < 0x20 || c >= utf8.RuneSelf:
			plain = plain && c >= 0x20
		}
	}

	return "", false
}

// skip passes over one JSON value of any kind without decoding it; depth bounds nesting.
func (d *fastDecoder) skip(depth int) bool {
	if depth > 200 {
		return false
	}

	switch c := d.peek(); {
	case c == '"':
		return d.skipString()
	case c == '{' || c == '[':
		return d.skipComposite(depth)
	case c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n':
		start := d.pos
		for d.pos < len(d.data) {
			switch d.data[d.pos] {
			case ',', '}', ']':
				return d.pos > start
			}
			d.pos++
		}

		return d.pos > start
	default:
		return false
	}
}

// skipString passes over a string without decoding it. What it passes is only ever used as a
// cache key or handed whole to a decoder that checks it.
func (d *fastDecoder) skipString() bool {
	if d.peek() != '"' {
		return false
	}

	for d.pos++; d.pos < len(d.data); d.pos++ {
		switch d.data[d.pos] {
		case '\\':
			d.pos++
		case '"':
			d.pos++
			return true
		}
	}

	return false
}

// skipComposite passes over an object or an array.
func (d *fastDecoder) skipComposite(depth int) bool {
	closing := byte(']')
	if d.data[d.pos] == '{' {
		closing = '}'
	}

	d.pos++
	if d.literal(string(closing)) {
		return true
	}

	for {
		if closing == '}' && (!d.skipString() || !d.literal(":")) {
			return false
		}

		if !d.skip(depth + 1) {
			return false
		}

		if d.literal(string(closing)) {
			return true
		}

		if !d.literal(",") {
			return false
		}
	}
}

// hasDuplicate reports whether a key occurs twice: Unmarshal refuses such a document.
func hasDuplicate(keys []string) bool {
	if len(keys) < 16 {
		for i := range keys {
			for j := i + 1; j < len(keys); j++ {
				if keys[i] == keys[j] {
					return true
				}
			}
		}

		return false
	}

	seen := make(map[string]struct{}, len(keys))
	for _, k := range keys {
		if _, ok := seen[k]; ok {
			return true
		}

		seen[k] = struct{}{}
	}

	return false
}
