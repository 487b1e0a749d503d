// Added to FerretDB's SQLite backend by the audit-log project (see ../src/ferretdb-patches.ts).

package sqlite

import (
	"fmt"
	"strings"

	"github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata"
	"github.com/FerretDB/FerretDB/internal/handler/sjson"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// maxPushdownIn bounds the values of a pushed-down $in: a longer list is left to the handler.
const maxPushdownIn = 100

// prepareWhereClause turns the filter's top-level conditions that SQLite can check into a WHERE
// clause; the others are left out. It replaces the stock rule (only a filter of exactly one
// `_id` equality), which made every other query decode every document of the collection in Go:
// in a multi-tenant collection one tenant's query paid for every other tenant's documents.
//
// The clause selects a superset of the matching documents and never fewer: the handler filters
// every document it returns again with the whole filter (FilterIterator in msg_find.go and the
// other commands). So a condition is pushed down only where "could match" is exact to decide:
//
//   - `_id` equal to a string or an ObjectID, as before (an `_id` is never an array);
//   - any other top-level field equal to a plain string, or `$in` a list of plain strings: the
//     field's JSON is that string, or the field is an array (which matches when an element
//     does, and whose JSON text is the only kind that starts with "[").
//
// Each condition is spelled exactly as FerretDB spells an index column (`_ferretdb_sjson->"f"`,
// see metadata/registry.go), because SQLite matches index expressions by their text: a filter
// on the first field of an index is then an index search, not a table scan.
func prepareWhereClause(filter *types.Document) (string, []any) {
	if filter == nil {
		return "", nil
	}

	// A filter repeating a key is left whole to the handler, which decides what it means.
	if _, dup := filter.FindDuplicateKey(); dup {
		return "", nil
	}

	var conds []string
	var args []any

	for _, k := range filter.Keys() {
		if !plainName(k) {
			continue
		}

		v := must.NotFail(filter.Get(k))

		if k == "_id" {
			switch v.(type) {
			case string, types.ObjectID:
				conds = append(conds, metadata.IDColumn+" = ?")
				args = append(args, string(must.NotFail(sjson.MarshalSingleValue(v))))
			}

			continue
		}

		values := pushdownValues(v)
		if len(values) == 0 {
			continue
		}

		col := fmt.Sprintf("%s->%q", metadata.DefaultColumn, k)
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(values)), ", ")
		conds = append(conds, fmt.Sprintf(`(%s IN (%s) OR (%s >= '[' AND %s < '\'))`, col, marks, col, col))

		for _, s := range values {
			args = append(args, string(must.NotFail(sjson.MarshalSingleValue(s))))
		}
	}

	if len(conds) == 0 {
		return "", nil
	}

	return " WHERE " + strings.Join(conds, " AND "), args
}

// pushdownValues returns the strings a field must equal (one for an equality, the list of a
// sole `$in`), or nil when the condition is anything else.
func pushdownValues(v any) []string {
	switch v := v.(type) {
	case string:
		if plainValue(v) {
			return []string{v}
		}

	case *types.Document:
		if v.Len() != 1 {
			return nil
		}

		in, err := v.Get("$in")
		if err != nil {
			return nil
		}

		arr, ok := in.(*types.Array)
		if !ok || arr.Len() == 0 || arr.Len() > maxPushdownIn {
			return nil
		}

		values := make([]string, arr.Len())

		for i := range values {
			s, ok := must.NotFail(arr.Get(i)).(string)
			if !ok || !plainValue(s) {
				return nil
			}

			values[i] = s
		}

		return values
	}

	return nil
}

// plainName reports whether a field name needs no quoting in the column expression: letters,
// digits and underscores, not starting with a digit (no operators, no dotted paths).
func plainName(k string) bool {
	if k == "" || (k[0] >= '0' && k[0] <= '9') {
		return false
	}

	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
			return false
		}
	}

	return true
}

// plainValue reports whether a string's JSON text is the same however it is escaped: printable
// ASCII without the characters Go's encoder escapes (`"`, `\`, `<`, `>`, `&`), so the text
// compared is byte for byte the text stored.
func plainValue(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}

	return true
}
