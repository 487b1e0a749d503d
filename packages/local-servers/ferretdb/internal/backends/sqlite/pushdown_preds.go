// Added to FerretDB v1.24.2 by the audit-log project's tools build (packages/local-servers).

package sqlite

import (
	"regexp/syntax"
	"strings"
	"time"

	"github.com/FerretDB/FerretDB/internal/backends/sqlite/entries"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// maxPushdownIn bounds the values of a pushed-down $in: a longer list is left to the handler.
const maxPushdownIn = 1000

// A pred is one condition of a filter's top-level conjunction that index entries can decide for
// a single key: the document matches only if one of its keys in the field satisfies it. Pushing
// preds down selects a superset of the matches (the handler filters every document again with
// the whole filter), so a condition that is not understood is simply left out.
type pred struct {
	field string
	keys  [][]byte // equality (one key) or $in (several)
	lo    []byte   // inclusive lower bound of a range, or nil
	hi    []byte   // upper bound of a range, or nil
	hiInc bool

	// The same condition on the field's JSON values (json_each), for fields outside the index
	// SQLite walks; nil when the values have no plain SQL form.
	sql *sqlCond
}

type sqlCond struct {
	in     []any
	lo, hi any
	loInc  bool
	hiInc  bool
}

// keyset is the position condition of a page after a cursor: {$or: [{a: {$lt: x}}, {a: x, b:
// {$lt: y}}]} (or $gt), which is the row-value range (a, b) < (x, y) over the same type as x.
type keyset struct {
	a, b     string
	x, y     []byte
	greater  bool
	bracketX byte
}

// conditions collects the preds and keysets of a filter's top-level conjunction, $and included.
func conditions(filter *types.Document) ([]pred, []keyset) {
	var preds []pred
	var sets []keyset

	if filter == nil {
		return nil, nil
	}

	for _, k := range filter.Keys() {
		v := must.NotFail(filter.Get(k))

		switch {
		case k == "$and":
			arr, ok := v.(*types.Array)
			for i := 0; ok && i < arr.Len(); i++ {
				if d, isDoc := must.NotFail(arr.Get(i)).(*types.Document); isDoc {
					p, s := conditions(d)
					preds, sets = append(preds, p...), append(sets, s...)
				}
			}
		case k == "$or":
			if ks, ok := keysetOf(v); ok {
				sets = append(sets, ks)
			}
		case plainName(k):
			preds = append(preds, fieldPreds(k, v)...)
		}
	}

	return preds, sets
}

// fieldPreds reads {f: value} or {f: {$op: value, …}}.
func fieldPreds(field string, v any) []pred {
	if re, ok := v.(types.Regex); ok {
		return prefixPred(field, re.Pattern, re.Options)
	}

	doc, ok := v.(*types.Document)
	if !ok {
		if key, ok := pushable(v); ok {
			return []pred{{field: field, keys: [][]byte{key}, sql: inCond([]any{v})}}
		}

		return nil
	}

	var res []pred

	for _, op := range doc.Keys() {
		arg := must.NotFail(doc.Get(op))

		switch op {
		case "$eq":
			res = append(res, fieldPreds(field, arg)...)
		case "$in":
			res = append(res, inPred(field, arg)...)
		case "$lt", "$lte", "$gt", "$gte":
			res = append(res, rangePred(field, op, arg)...)
		case "$regex":
			options, _ := doc.Get("$options")
			opts, _ := options.(string)

			if pattern, ok := arg.(string); ok {
				res = append(res, prefixPred(field, pattern, opts)...)
			}

			if re, ok := arg.(types.Regex); ok && options == nil {
				res = append(res, prefixPred(field, re.Pattern, re.Options)...)
			}
		}
	}

	return res
}

func inPred(field string, arg any) []pred {
	arr, ok := arg.(*types.Array)
	if !ok || arr.Len() == 0 || arr.Len() > maxPushdownIn {
		return nil
	}

	p := pred{field: field}
	values := make([]any, arr.Len())

	for i := range values {
		values[i] = must.NotFail(arr.Get(i))

		key, ok := pushable(values[i])
		if !ok {
			return nil
		}

		p.keys = append(p.keys, key)
	}

	p.sql = inCond(values)

	return []pred{p}
}

// rangePred bounds the field to arg's type, as comparison operators do.
func rangePred(field, op string, arg any) []pred {
	key, ok := pushable(arg)
	if !ok {
		return nil
	}

	b := key[0]
	p := pred{field: field}
	v, plain := sqlValue(arg)

	switch op {
	case "$lt", "$lte":
		p.lo, p.hi, p.hiInc = []byte{b}, key, op == "$lte"
		if plain {
			p.sql = &sqlCond{hi: v, hiInc: p.hiInc}
		}
	default:
		p.lo, p.hi = key, entries.BracketEnd(b)
		if op == "$gt" {
			p.lo = append(key, 0) // the smallest key above key
		}

		if plain {
			p.sql = &sqlCond{lo: v, loInc: op == "$gte"}
		}
	}

	return []pred{p}
}

// prefixPred reads a regular expression that is a literal prefix ("^abc", escapes allowed) as
// the range of strings starting with it; anything else is left to the handler.
func prefixPred(field, pattern, options string) []pred {
	if options != "" || !strings.HasPrefix(pattern, "^") {
		return nil
	}

	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil
	}

	if re.Op == syntax.OpBeginText {
		re = &syntax.Regexp{Op: syntax.OpConcat, Sub: []*syntax.Regexp{re}}
	}

	if re.Op != syntax.OpConcat || len(re.Sub) == 0 || re.Sub[0].Op != syntax.OpBeginText {
		return nil
	}

	var prefix []rune

	for _, s := range re.Sub[1:] {
		if s.Op != syntax.OpLiteral || s.Flags&syntax.FoldCase != 0 {
			return nil
		}

		prefix = append(prefix, s.Rune...)
	}

	lo, _ := entries.Key(string(prefix))
	hi := upperBound(lo)
	cond := &sqlCond{lo: string(prefix), loInc: true}

	if len(prefix) > 0 {
		cond.hi = string(hi[1:])
	}

	return []pred{{field: field, lo: lo, hi: hi, sql: cond}}
}

// upperBound is the smallest byte string above every string that starts with b.
func upperBound(b []byte) []byte {
	res := append([]byte(nil), b...)
	for len(res) > 0 && res[len(res)-1] == 0xff {
		res = res[:len(res)-1]
	}

	res[len(res)-1]++

	return res
}

// pushable returns the key of a value that an index equality can decide: not null (which also
// matches missing fields), NaN, documents, arrays or regular expressions.
func pushable(v any) ([]byte, bool) {
	switch v := v.(type) {
	case string, int32, int64, types.ObjectID, bool, time.Time, types.Timestamp:
		key, _ := entries.Key(v)
		return key, true
	case float64:
		if v != v {
			return nil, false
		}

		key, _ := entries.Key(v)

		return key, true
	}

	return nil, false
}

// sqlValue is the value json_each gives for v where the stored JSON is plain: strings, numbers,
// dates (milliseconds).
func sqlValue(v any) (any, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case int32:
		return int64(v), true
	case int64:
		return v, true
	case float64:
		return v, v == v
	case time.Time:
		return v.UnixMilli(), true
	}

	return nil, false
}

func inCond(values []any) *sqlCond {
	c := &sqlCond{}

	for _, v := range values {
		s, ok := sqlValue(v)
		if !ok {
			return nil
		}

		c.in = append(c.in, s)
	}

	return c
}

// keysetOf recognises the keyset position condition.
func keysetOf(v any) (keyset, bool) {
	arr, ok := v.(*types.Array)
	if !ok || arr.Len() != 2 {
		return keyset{}, false
	}

	first, ok1 := must.NotFail(arr.Get(0)).(*types.Document)
	second, ok2 := must.NotFail(arr.Get(1)).(*types.Document)

	if !ok1 || !ok2 || first.Len() != 1 || second.Len() != 2 {
		return keyset{}, false
	}

	a := first.Keys()[0]
	op, x, ok := singleOp(must.NotFail(first.Get(a)))

	if !ok || (op != "$lt" && op != "$gt") || second.Keys()[0] != a || !plainName(a) {
		return keyset{}, false
	}

	b := second.Keys()[1]
	op2, y, ok := singleOp(must.NotFail(second.Get(b)))
	xKey, okX := pushable(x)
	yKey, okY := pushable(y)
	eqKey, okEq := pushable(must.NotFail(second.Get(a)))

	if !ok || op2 != op || !plainName(b) || !okX || !okY || !okEq || string(eqKey) != string(xKey) {
		return keyset{}, false
	}

	return keyset{a: a, b: b, x: xKey, y: yKey, greater: op == "$gt", bracketX: xKey[0]}, true
}

func singleOp(v any) (string, any, bool) {
	d, ok := v.(*types.Document)
	if !ok || d.Len() != 1 {
		return "", nil, false
	}

	op := d.Keys()[0]

	return op, must.NotFail(d.Get(op)), true
}
