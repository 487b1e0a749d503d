// Added to FerretDB v1.24.2 by the audit-log project's tools build (packages/local-servers).

package sqlite

import (
	"context"
	"fmt"
	"sync"

	"github.com/FerretDB/FerretDB/internal/backends"
	"github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata"
	"github.com/FerretDB/FerretDB/internal/handler/sjson"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/fsql"
	"github.com/FerretDB/FerretDB/internal/util/iterator"
	"github.com/FerretDB/FerretDB/internal/util/lazyerrors"
	"github.com/FerretDB/FerretDB/internal/util/must"
	"github.com/FerretDB/FerretDB/internal/util/resource"
)

// queryPushdown answers a query through the planner (pushdown_plan.go). The plan is made and run
// in one read transaction, so the index flags it relies on describe the rows it reads.
func queryPushdown(ctx context.Context, db *fsql.DB, meta *metadata.Collection, params *backends.QueryParams) (*backends.QueryResult, error) {
	tx, err := db.BeginReadTx(ctx)
	if err != nil {
		return nil, err
	}

	plan, err := planQuery(ctx, tx, meta, params.Filter, params.PushdownSort)
	if err != nil {
		_ = tx.Rollback()
		return nil, lazyerrors.Error(err)
	}

	rows, err := tx.QueryContext(ctx, plan.sql, plan.args...)
	if err != nil {
		_ = tx.Rollback()
		return nil, lazyerrors.Error(err)
	}

	iter := &planIterator{ctx: ctx, tx: tx, rows: rows, plan: plan, token: resource.NewToken()}
	if plan.dedupe {
		iter.seen = map[int64]struct{}{}
	}

	resource.Track(iter, iter.token)

	return &backends.QueryResult{Iter: iter, Sorted: plan.sorted}, nil
}

// explainPushdown reports the plan a query gets, with SQLite's own account of it.
func explainPushdown(ctx context.Context, db *fsql.DB, meta *metadata.Collection, params *backends.ExplainParams) (*backends.ExplainResult, error) {
	var res *backends.ExplainResult

	err := db.InTransaction(ctx, func(tx *fsql.Tx) error {
		plan, err := planQuery(ctx, tx, meta, params.Filter, params.PushdownSort)
		if err != nil {
			return err
		}

		rows, err := tx.QueryContext(ctx, "EXPLAIN QUERY PLAN "+plan.sql, plan.args...)
		if err != nil {
			return err
		}
		defer rows.Close()

		steps := types.MakeArray(0)

		for rows.Next() {
			var id, parent, notused int32
			var detail string

			if err = rows.Scan(&id, &parent, &notused, &detail); err != nil {
				return err
			}

			steps.Append(fmt.Sprintf("id=%d parent=%d notused=%d detail=%s", id, parent, notused, detail))
		}

		res = &backends.ExplainResult{
			QueryPlanner:   must.NotFail(types.NewDocument("Plan", steps, "indexName", plan.index, "SQL", plan.sql)),
			FilterPushdown: plan.index != "" || plan.hasWhere(),
			SortPushdown:   plan.sorted,
		}

		return rows.Err()
	})

	return res, err
}

func (p *queryPlan) hasWhere() bool {
	return len(p.args) > 0
}

// planIterator returns a plan's documents, skipping repeats where the plan may give them, and
// ends the read transaction when it is closed.
type planIterator struct {
	ctx   context.Context
	m     sync.Mutex
	tx    *fsql.Tx
	rows  *fsql.Rows
	plan  *queryPlan
	seen  map[int64]struct{}
	token *resource.Token
}

// Next implements iterator.Interface.
func (iter *planIterator) Next() (struct{}, *types.Document, error) {
	iter.m.Lock()
	defer iter.m.Unlock()

	var unused struct{}

	for {
		if iter.rows == nil {
			return unused, nil, iterator.ErrIteratorDone
		}

		if err := context.Cause(iter.ctx); err != nil {
			iter.close()
			return unused, nil, lazyerrors.Error(err)
		}

		if !iter.rows.Next() {
			err := iter.rows.Err()
			iter.close()

			if err == nil {
				err = iterator.ErrIteratorDone
			}

			return unused, nil, lazyerrors.Error(err)
		}

		var rid int64
		var b []byte

		dest := []any{&b}
		if iter.plan.rowID {
			dest = []any{&rid, &b}
		}

		// Sort keys a merge selects, not needed here.
		if cols, err := iter.rows.Columns(); err == nil {
			for len(dest) < len(cols) {
				dest = append(dest, new(any))
			}
		}

		if err := iter.rows.Scan(dest...); err != nil {
			iter.close()
			return unused, nil, lazyerrors.Error(err)
		}

		if iter.seen != nil {
			if _, dup := iter.seen[rid]; dup {
				continue
			}

			iter.seen[rid] = struct{}{}
		}

		doc, err := sjson.Unmarshal(b)
		if err != nil {
			iter.close()
			return unused, nil, lazyerrors.Error(err)
		}

		return unused, doc, nil
	}
}

// Close implements iterator.Interface.
func (iter *planIterator) Close() {
	iter.m.Lock()
	defer iter.m.Unlock()

	iter.close()
}

func (iter *planIterator) close() {
	if iter.rows != nil {
		iter.rows.Close()
		iter.rows = nil
		_ = iter.tx.Rollback()
	}

	resource.Untrack(iter, iter.token)
}

// plainName reports whether a field name is a top-level name the planner reads: letters, digits
// and underscores, not starting with a digit (no operators, no dotted paths).
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

// check interfaces
var (
	_ types.DocumentsIterator = (*planIterator)(nil)
)
