// Added to FerretDB v1.24.2 by the audit-log project's tools build (packages/local-servers).

package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/FerretDB/FerretDB/internal/backends"
	"github.com/FerretDB/FerretDB/internal/backends/sqlite/entries"
	"github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata"
	"github.com/FerretDB/FerretDB/internal/handler/sjson"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// probeLimit: an index range with fewer entries than this is read whole and sorted, rather than
// walking another index in order and filtering (the choice MongoDB's planner makes by trial).
const probeLimit = 2000

// maxMerge bounds the arms of a merge (SQLite allows 500 in a compound SELECT).
const maxMerge = 100

// queryPlan is how one query reads a collection: the SQL, and what the rows promise.
type queryPlan struct {
	sql    string
	args   []any
	index  string // the index whose entries are read, "" for the collection table alone
	sorted bool   // rows come in the requested sort order
	dedupe bool   // a document may come more than once (several of its array elements match)
	rowID  bool   // the first column is the document's rowid
}

// planQuery picks the index that reads the fewest entries for the filter (preferring one that
// also gives the sort order) and writes its SQL. Every plan selects a superset of the matching
// documents; the rows are in sort order only where the plan says so.
func planQuery(ctx context.Context, q entries.Querier, meta *metadata.Collection, filter, sort *types.Document) (*queryPlan, error) {
	preds, sets := conditions(filter)

	if meta.Capped() {
		return tablePlan(meta, preds, nil), nil
	}

	if ids := idKeys(filter); ids != nil {
		return tablePlan(meta, preds, ids), nil
	}

	var cands []*candidate

	for _, info := range meta.Settings.Indexes {
		if info.Name == backends.DefaultIndexName {
			continue
		}

		ix := metadata.EntriesIndex(meta.TableName, info)

		mk, ie, err := entries.Flags(ctx, q, ix.Table)
		if err != nil {
			return nil, err
		}

		c, err := rarest(ctx, q, preds, func(ps []pred) *candidate { return evaluate(ix, info.Name, mk, ie, ps, sets, sort) })
		if err != nil {
			return nil, err
		}

		if c.reads() {
			cands = append(cands, c)
		}
	}

	if len(cands) == 0 {
		return tablePlan(meta, preds, nil), nil
	}

	best, err := choose(ctx, q, cands, sort.Len() > 0)
	if err != nil {
		return nil, err
	}

	return best.plan(meta), nil
}

// tablePlan reads the collection table: by `_id` when the filter names ids, otherwise all of it,
// with the conditions SQLite can check on the stored JSON.
func tablePlan(meta *metadata.Collection, preds []pred, ids []any) *queryPlan {
	p := &queryPlan{sql: fmt.Sprintf(`SELECT t.%s FROM %q AS t`, metadata.DefaultColumn, meta.TableName)}

	var conds []string

	if ids != nil {
		conds = append(conds, fmt.Sprintf(`t.%s IN (%s)`, metadata.IDColumn, marks(len(ids))))
		p.args = append(p.args, ids...)

		// At most one row per id comes back, and FerretDB checks each against the whole filter:
		// checking conditions on the stored JSON as well parsed every row again per condition
		// (json_each), which cost more than it saved (a purge's delete by 500 ids, 3x).
		preds = nil
	}

	for _, pr := range preds {
		if c, args := jsonCond(pr); c != "" {
			conds = append(conds, c)
			p.args = append(p.args, args...)
		}
	}

	if len(conds) > 0 {
		p.sql += " WHERE " + strings.Join(conds, " AND ")
	}

	return p
}

// idKeys returns the stored `_id` texts a filter's top-level `_id` equality or $in allows
// (strings and ObjectIDs, whose text is canonical), or nil.
func idKeys(filter *types.Document) []any {
	if filter == nil {
		return nil
	}

	v, err := filter.Get("_id")
	if err != nil {
		return nil
	}

	if d, ok := v.(*types.Document); ok && d.Len() == 1 && d.Has("$in") {
		arr, ok := must.NotFail(d.Get("$in")).(*types.Array)
		if !ok || arr.Len() == 0 || arr.Len() > maxPushdownIn {
			return nil
		}

		res := make([]any, arr.Len())
		for i := range res {
			if res[i] = idText(must.NotFail(arr.Get(i))); res[i] == nil {
				return nil
			}
		}

		return res
	}

	if t := idText(v); t != nil {
		return []any{t}
	}

	return nil
}

func idText(v any) any {
	switch v.(type) {
	case string, types.ObjectID:
		return string(must.NotFail(sjson.MarshalSingleValue(v)))
	}

	return nil
}

// jsonCond is a pred checked on the field's values in the stored JSON: each array element, or the
// value itself. It keeps a superset: a value of another type may pass, none that matches fails.
func jsonCond(p pred) (string, []any) {
	if p.sql == nil {
		return "", nil
	}

	var conds []string
	var args []any

	if p.sql.in != nil {
		conds = append(conds, fmt.Sprintf("j.value IN (%s)", marks(len(p.sql.in))))
		args = append(args, p.sql.in...)
	}

	if p.sql.lo != nil {
		conds = append(conds, "j.value "+map[bool]string{true: ">=", false: ">"}[p.sql.loInc]+" ?")
		args = append(args, p.sql.lo)
	}

	if p.sql.hi != nil {
		conds = append(conds, "j.value "+map[bool]string{true: "<=", false: "<"}[p.sql.hiInc]+" ?")
		args = append(args, p.sql.hi)
	}

	q := `EXISTS (SELECT 1 FROM json_each(t.%s, '$."%s"') AS j WHERE %s)`

	return fmt.Sprintf(q, metadata.DefaultColumn, p.field, strings.Join(conds, " AND ")), args
}

func marks(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// rarest evaluates an index once per equality that could pin the same field (several words of a
// search are several equalities on the one array field) and keeps the one that selects the
// fewest entries, counted up to probeLimit: the rarest word drives, the others filter.
func rarest(ctx context.Context, q entries.Querier, preds []pred, eval func([]pred) *candidate) (*candidate, error) {
	best := eval(preds)
	if best.eq == 0 {
		return best, nil
	}

	var alts []int

	for i, p := range preds {
		if len(p.keys) == 1 && p.field == best.ix.Fields[best.eq-1] {
			alts = append(alts, i)
		}
	}

	if len(alts) < 2 {
		return best, nil
	}

	bestCount := -1

	for _, i := range alts {
		reordered := append([]pred{preds[i]}, append(append([]pred{}, preds[:i]...), preds[i+1:]...)...)
		c := eval(reordered)

		n, err := c.countEntries(ctx, q, c.eq)
		if err != nil {
			return nil, err
		}

		if bestCount < 0 || n < bestCount {
			best, bestCount = c, n
		}
	}

	return best, nil
}
