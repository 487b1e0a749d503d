// Added to FerretDB v1.24.2 by the audit-log project's tools build (packages/local-servers).

package sqlite

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/FerretDB/FerretDB/internal/backends/sqlite/entries"
	"github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// candidate is one index considered for a query: which conditions its entries decide, and
// whether walking it gives the sort order.
type candidate struct {
	ix       *entries.Index
	name     string
	multikey entries.Bits
	inexact  entries.Bits

	eq       int      // leading fields pinned to one key
	seek     bool     // the next field is bounded too (range, prefix, $in or keyset)
	conds    []cond   // conditions on the entries (e.kN)
	seekAt   int      // how many of conds bound the seek (for the probe)
	inKeys   [][]byte // the $in seek's values
	sortCols []int    // entry columns of the ORDER BY terms s0, s1, …
	resid    []pred
	order    []string // ORDER BY terms, nil when the sort cannot be given by SQLite
	walk     bool     // the order is the index's own (no sort step)
	merge    bool     // an $in seek walked once per value, the walks merged in order
	dedupe   bool
	pinned   map[int]bool
	sorting  bool
}

// evaluate works out what an index can do for the preds, keysets and sort.
func evaluate(ix *entries.Index, name string, mk, ie entries.Bits, preds []pred, sets []keyset, sort *types.Document) *candidate {
	c := &candidate{ix: ix, name: name, multikey: mk, inexact: ie, pinned: map[int]bool{}, sorting: sort.Len() > 0}
	col := map[string]int{}

	for i, f := range ix.Fields {
		if _, dup := col[f]; !dup {
			col[f] = i
		}
	}

	preds = mergeRanges(preds, func(field string) bool {
		pos, ok := col[field]
		return ok && !mk.Has(pos)
	})

	used := make([]bool, len(preds))
	applied := map[int]bool{}

	apply := func(i int, pos int) {
		sql, args := entryCond(preds[i], pos)
		c.conds = append(c.conds, cond{sql, args})
		used[i], applied[pos] = true, true
	}

	// The equality prefix, then the field after it.
	for c.eq < len(ix.Fields) {
		i := findPred(preds, used, ix.Fields[c.eq], func(p pred) bool { return len(p.keys) == 1 })
		if i < 0 {
			break
		}

		apply(i, c.eq)
		c.pinned[c.eq] = !mk.Has(c.eq) && !ie.Has(c.eq)
		c.eq++
	}

	if c.eq < len(ix.Fields) {
		if ks, ok := c.keysetAt(sets, c.eq); ok {
			c.conds = append(c.conds, cond{ks.cond, ks.args})
			c.seek = true
		} else if i := findPred(preds, used, ix.Fields[c.eq], func(pred) bool { return true }); i >= 0 {
			if len(preds[i].keys) > 1 {
				c.inKeys = preds[i].keys
			}

			apply(i, c.eq)
			c.seek = true
		}
	}

	c.seekAt = len(c.conds)

	// Every other pred: on the entries where the field is a column (one pred per array field, as
	// each entry holds one element), otherwise on the stored JSON.
	for i, p := range preds {
		if used[i] {
			continue
		}

		if pos, ok := col[p.field]; ok && !(mk.Has(pos) && applied[pos]) {
			apply(i, pos)
			continue
		}

		c.resid = append(c.resid, p)
	}

	for pos := range ix.Fields {
		if mk.Has(pos) && !c.pinned[pos] && !(pos < c.eq) {
			c.dedupe = true
		}
	}

	c.sortOrder(sort, col)

	return c
}

// keysetAt is the keyset on fields pos and pos+1 as a row-value range, within x's type.
func (c *candidate) keysetAt(sets []keyset, pos int) (struct {
	cond string
	args []any
}, bool,
) {
	var res struct {
		cond string
		args []any
	}

	if pos+1 >= len(c.ix.Fields) || c.multikey.Has(pos) || c.multikey.Has(pos+1) {
		return res, false
	}

	for _, s := range sets {
		if s.a != c.ix.Fields[pos] || s.b != c.ix.Fields[pos+1] {
			continue
		}

		if s.greater {
			res.cond = fmt.Sprintf("(e.k%d, e.k%d) > (?, ?) AND e.k%d < ?", pos, pos+1, pos)
			res.args = []any{s.x, s.y, entries.BracketEnd(s.bracketX)}
		} else {
			res.cond = fmt.Sprintf("(e.k%d, e.k%d) < (?, ?) AND e.k%d >= ?", pos, pos+1, pos)
			res.args = []any{s.x, s.y, []byte{s.bracketX}}
		}

		return res, true
	}

	return res, false
}

// sortOrder decides whether SQLite can return the rows in the requested order: every sort field
// not pinned by an equality is a column whose keys order (no arrays, no documents), and whether
// that order is simply the walk of the index after its equality prefix.
func (c *candidate) sortOrder(sort *types.Document, col map[string]int) {
	if sort.Len() == 0 {
		return
	}

	var positions []int
	var desc []bool

	for _, f := range sort.Keys() {
		pos, ok := col[f]
		if !ok || c.multikey.Has(pos) || c.inexact.Has(pos) {
			return
		}

		if c.pinned[pos] {
			continue
		}

		positions = append(positions, pos)
		desc = append(desc, must.NotFail(sort.Get(f)).(int64) < 0)
	}

	c.order = []string{}
	for i, pos := range positions {
		dir := "ASC"
		if desc[i] {
			dir = "DESC"
		}

		c.order = append(c.order, fmt.Sprintf("s%d %s", i, dir))
		c.sortCols = append(c.sortCols, pos)
	}

	// The walk: the sort fields are the index's next fields, all in its direction or all against
	// it. Under an $in, each value's range is walked and the walks merged (a sort by the $in field
	// itself is the merge's job).
	base := c.eq
	if c.inKeys != nil {
		if len(positions) > 0 && positions[0] == c.eq {
			positions, desc = positions[1:], desc[1:]
		}

		base = c.eq + 1
	}

	c.walk = true

	for i, pos := range positions {
		if pos != base+i || desc[i] != (c.ix.Desc[pos] != (desc[0] != c.ix.Desc[positions[0]])) {
			c.walk = false
		}
	}

	if c.inKeys != nil {
		c.merge = c.walk && len(c.inKeys) <= maxMerge
		c.walk = c.merge
	}
}

// reads reports whether the index narrows the read at all.
func (c *candidate) reads() bool {
	return c.eq > 0 || c.seek
}

// narrower reports whether c bounds more of its index than o: a longer equality prefix, or the
// same with a seek on the next field.
func (c *candidate) narrower(o *candidate) bool {
	if c.eq != o.eq {
		return c.eq > o.eq
	}

	return c.seek && !o.seek
}

// choose picks among the candidates that narrow the read. With a sort, a walk in order wins
// unless a narrower index's range is small enough to read whole and sort (counted, up to
// probeLimit), which is how a rare word beats a walk of the whole log.
func choose(ctx context.Context, q entries.Querier, cands []*candidate, sorting bool) (*candidate, error) {
	var narrowest, walker *candidate

	for _, c := range cands {
		if narrowest == nil || c.narrower(narrowest) {
			narrowest = c
		}

		if c.walk && (walker == nil || c.narrower(walker)) {
			walker = c
		}
	}

	if !sorting || walker == nil || !narrowest.narrower(walker) {
		if walker != nil && sorting {
			return walker, nil
		}

		return narrowest, nil
	}

	small, err := narrowest.rangeIsSmall(ctx, q)
	if err != nil || !small {
		return walker, err
	}

	return narrowest, nil
}

// rangeIsSmall counts the entries in the candidate's seek range, up to probeLimit.
func (c *candidate) rangeIsSmall(ctx context.Context, q entries.Querier) (bool, error) {
	n, err := c.countEntries(ctx, q, c.seekAt)
	return n < probeLimit, err
}

// countEntries counts, up to probeLimit, the entries the first n conditions select.
func (c *candidate) countEntries(ctx context.Context, q entries.Querier, n int) (int, error) {
	where, args := joinConds(c.conds[:n])
	sql := fmt.Sprintf(`SELECT count(*) FROM (SELECT 1 FROM %q AS e WHERE %s LIMIT %d)`, c.ix.Table, where, probeLimit)

	rows, err := q.QueryContext(ctx, sql, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()

	var count int
	if rows.Next() {
		if err = rows.Scan(&count); err != nil {
			return 0, err
		}
	}

	return count, rows.Err()
}

// plan writes the candidate's SQL: its entries joined to the documents, in order if it can.
// A merge is one SELECT per $in value, each walking its range, under one ORDER BY: SQLite merges
// ordered arms of a compound SELECT without sorting them.
func (c *candidate) plan(meta *metadata.Collection) *queryPlan {
	conds := append([]cond{}, c.conds...)
	for _, p := range c.resid {
		if sql, args := jsonCond(p); sql != "" {
			conds = append(conds, cond{sql, args})
		}
	}

	cols := make([]string, len(c.sortCols))
	for i, pos := range c.sortCols {
		cols[i] = fmt.Sprintf(", e.k%d AS s%d", pos, i)
	}

	arm := func(conds []cond) (string, []any) {
		sql := fmt.Sprintf(`SELECT e.rid, t.%s%s FROM %q AS e CROSS JOIN %q AS t ON t.rowid = e.rid`,
			metadata.DefaultColumn, strings.Join(cols, ""), c.ix.Table, meta.TableName)
		where, args := joinConds(conds)

		if where != "" {
			sql += " WHERE " + where
		}

		return sql, args
	}

	var arms []string
	var args []any

	if c.merge {
		for _, k := range c.inKeys {
			one := append([]cond{}, conds...)
			one[c.eq] = cond{fmt.Sprintf("e.k%d = ?", c.eq), []any{k}}
			sql, a := arm(one)
			arms, args = append(arms, sql), append(args, a...)
		}
	} else {
		sql, a := arm(conds)
		arms, args = []string{sql}, a
	}

	sql := strings.Join(arms, " UNION ALL ")
	if len(c.order) > 0 {
		sql += " ORDER BY " + strings.Join(c.order, ", ")
	}

	return &queryPlan{sql: sql, args: args, index: c.name, sorted: c.order != nil, dedupe: c.dedupe, rowID: true}
}

// cond is one SQL condition and its arguments.
type cond struct {
	sql  string
	args []any
}

func joinConds(conds []cond) (string, []any) {
	sqls := make([]string, len(conds))
	var args []any

	for i, c := range conds {
		sqls[i] = c.sql
		args = append(args, c.args...)
	}

	return strings.Join(sqls, " AND "), args
}

// entryCond is a pred on entry column pos.
func entryCond(p pred, pos int) (string, []any) {
	col := fmt.Sprintf("e.k%d", pos)

	switch {
	case len(p.keys) == 1:
		return col + " = ?", []any{p.keys[0]}
	case len(p.keys) > 1:
		args := make([]any, len(p.keys))
		for i, k := range p.keys {
			args[i] = k
		}

		return fmt.Sprintf("%s IN (%s)", col, marks(len(p.keys))), args
	}

	op := "<"
	if p.hiInc {
		op = "<="
	}

	return fmt.Sprintf("%s >= ? AND %s %s ?", col, col, op), []any{p.lo, p.hi}
}

func findPred(preds []pred, used []bool, field string, ok func(pred) bool) int {
	for i, p := range preds {
		if !used[i] && p.field == field && ok(p) {
			return i
		}
	}

	return -1
}

// mergeRanges makes the ranges on one field a single range, their intersection, where every
// document has one key in the field (never an array in this index): SQLite bounds an index walk
// by one lower and one upper term, and given `k >= from` with its type's end beside `k <= to` it
// could walk from the end of the type and filter, reading entries past `to` it did not need.
// The intersection selects exactly what the ranges did together.
func mergeRanges(preds []pred, single func(field string) bool) []pred {
	out := make([]pred, 0, len(preds))
	at := map[string]int{}

	for _, p := range preds {
		if p.keys != nil || p.lo == nil || p.hi == nil || !single(p.field) {
			out = append(out, p)
			continue
		}

		i, seen := at[p.field]
		if !seen {
			at[p.field] = len(out)
			out = append(out, p)

			continue
		}

		m := out[i]
		if bytes.Compare(p.lo, m.lo) > 0 {
			m.lo = p.lo
		}

		switch c := bytes.Compare(p.hi, m.hi); {
		case c < 0:
			m.hi, m.hiInc = p.hi, p.hiInc
		case c == 0:
			m.hiInc = m.hiInc && p.hiInc
		}

		// Only entries read it: the field is a column of this index.
		m.sql = nil
		out[i] = m
	}

	return out
}
