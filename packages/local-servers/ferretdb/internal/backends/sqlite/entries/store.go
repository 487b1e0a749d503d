// Added to FerretDB v1.24.2 by the audit-log project's tools build (packages/local-servers).

package entries

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/FerretDB/FerretDB/internal/handler/sjson"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/fsql"
	"github.com/FerretDB/FerretDB/internal/util/lazyerrors"
)

// FlagsTable records, per entries table, the fields that have held an array (multikey) or a value
// whose key does not order. Bits are only ever added: a sort is pushed down only over fields
// that never had either, so the walk of an entries table gives each document once, in order.
const FlagsTable = "_ferretdb_index_flags"

// ErrDuplicate is a document whose key is already another document's in a unique index.
var ErrDuplicate = errors.New("duplicate key in a unique index")

// Tx is the transaction entries are written in.
type Tx interface {
	Execer
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// Execer runs statements: a database or a transaction.
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Querier runs queries: a database or a transaction.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*fsql.Rows, error)
}

// Doc is a stored document and its rowid in the collection's table.
type Doc struct {
	RowID int64
	Doc   *types.Document
}

// TableName names the entries table of a collection table's index.
func TableName(collTable, indexName string) string {
	return collTable + "_" + indexName + "_entries"
}

// Create makes the entries table of an index (empty) and the flags table if missing.
func Create(ctx context.Context, db Execer, ix *Index) error {
	cols := make([]string, len(ix.Fields))
	pk := make([]string, len(ix.Fields))

	for i := range ix.Fields {
		cols[i] = fmt.Sprintf("k%d BLOB NOT NULL", i)
		pk[i] = fmt.Sprintf("k%d", i)

		if ix.Desc[i] {
			pk[i] += " DESC"
		}
	}

	stmts := []string{
		fmt.Sprintf(
			`CREATE TABLE IF NOT EXISTS %q (name TEXT PRIMARY KEY, multikey INTEGER NOT NULL, inexact INTEGER NOT NULL)`,
			FlagsTable,
		),
		fmt.Sprintf(
			`CREATE TABLE %q (%s, rid INTEGER NOT NULL, PRIMARY KEY (%s, rid)) WITHOUT ROWID`,
			ix.Table, strings.Join(cols, ", "), strings.Join(pk, ", "),
		),
	}

	if ix.Unique {
		stmts = append(stmts, fmt.Sprintf(`CREATE UNIQUE INDEX %q ON %q (%s)`, ix.Table+"_unique", ix.Table, keyCols(ix)))
	}

	for _, q := range stmts {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return lazyerrors.Error(err)
		}
	}

	return nil
}

// Drop removes an entries table and its flags.
func Drop(ctx context.Context, db Execer, table string) error {
	if _, err := db.ExecContext(ctx, fmt.Sprintf(`DROP TABLE IF EXISTS %q`, table)); err != nil {
		return lazyerrors.Error(err)
	}

	q := fmt.Sprintf(`DELETE FROM %q WHERE name = ?`, FlagsTable)
	if _, err := db.ExecContext(ctx, q, table); err != nil && !strings.Contains(err.Error(), "no such table") {
		return lazyerrors.Error(err)
	}

	return nil
}

// Exists reports whether an entries table is there (databases written before entries had none).
func Exists(ctx context.Context, db Querier, table string) (bool, error) {
	rows, err := db.QueryContext(ctx, `SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?`, table)
	if err != nil {
		return false, lazyerrors.Error(err)
	}
	defer rows.Close()

	found := rows.Next()

	return found, wrap(rows.Err())
}

// Insert adds the entries of the given documents, and records any new multikey or inexact fields.
func Insert(ctx context.Context, tx Tx, ix *Index, docs []Doc) error {
	var rows [][]any

	var multikey, inexact Bits

	for _, d := range docs {
		es, mk, ie, err := Of(d.Doc, ix.Fields)
		if err != nil {
			return err
		}

		multikey, inexact = multikey|mk, inexact|ie

		for _, e := range es {
			rows = append(rows, rowArgs(e, d.RowID))
		}
	}

	// OR IGNORE, and no SQL function in the statement: SQLite then knows it cannot fail halfway
	// and keeps no statement journal, which copied every page an insert touched. A row it skips
	// can only be a second document's key in a unique index (a document's own entries are
	// distinct), so a short count is that violation.
	q := fmt.Sprintf(`INSERT OR IGNORE INTO %q (%s, rid) VALUES `, ix.Table, keyCols(ix))

	inserted, err := runRows(ctx, tx, q, "", rows)
	if err != nil {
		return err
	}

	if inserted != int64(len(rows)) {
		return ErrDuplicate
	}

	if multikey == 0 && inexact == 0 {
		return nil
	}

	q = fmt.Sprintf(
		`INSERT INTO %q (name, multikey, inexact) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET `+
			`multikey = multikey | excluded.multikey, inexact = inexact | excluded.inexact`,
		FlagsTable,
	)
	if _, err := tx.ExecContext(ctx, q, ix.Table, int64(multikey), int64(inexact)); err != nil {
		return lazyerrors.Error(err)
	}

	return nil
}

// Delete removes the entries of the given documents (as they are stored, before the change).
func Delete(ctx context.Context, tx Tx, ix *Index, docs []Doc) error {
	var rows [][]any

	for _, d := range docs {
		// A stored document always produced its entries, so this cannot fail for parallel arrays.
		es, _, _, _ := Of(d.Doc, ix.Fields)
		for _, e := range es {
			rows = append(rows, rowArgs(e, d.RowID))
		}
	}

	q := fmt.Sprintf(`DELETE FROM %q WHERE (%s, rid) IN (VALUES `, ix.Table, keyCols(ix))
	_, err := runRows(ctx, tx, q, ")", rows)

	return err
}

// rowsPerStatement: the driver binds parameters in time quadratic in their number, so rows go in
// statements of a few rows, each prepared once per call and run as often as needed.
const rowsPerStatement = 16

// runRows runs prefix + "(?, …), …" + suffix over the rows and returns the rows affected.
func runRows(ctx context.Context, tx Tx, prefix, suffix string, rows [][]any) (int64, error) {
	if len(rows) == 0 {
		return 0, nil
	}

	marks := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(rows[0])), ", ") + ")"
	stmts := map[int]*sql.Stmt{}

	defer func() {
		for _, s := range stmts {
			s.Close()
		}
	}()

	var affected int64

	for len(rows) > 0 {
		n := min(len(rows), rowsPerStatement)
		if n < rowsPerStatement {
			n = 1
		}

		stmt, ok := stmts[n]
		if !ok {
			var err error
			if stmt, err = tx.PrepareContext(ctx, prefix+strings.TrimSuffix(strings.Repeat(marks+", ", n), ", ")+suffix); err != nil {
				return affected, err
			}

			stmts[n] = stmt
		}

		var args []any
		for _, r := range rows[:n] {
			args = append(args, r...)
		}

		res, err := stmt.ExecContext(ctx, args...)
		if err != nil {
			return affected, err
		}

		c, err := res.RowsAffected()
		if err != nil {
			return affected, err
		}

		affected += c
		rows = rows[n:]
	}

	return affected, nil
}

func rowArgs(e Entry, rid int64) []any {
	args := make([]any, 0, len(e)+1)
	for _, k := range e {
		args = append(args, k)
	}

	return append(args, rid)
}

// Flags returns the multikey and inexact fields of an entries table.
func Flags(ctx context.Context, db Querier, table string) (Bits, Bits, error) {
	rows, err := db.QueryContext(ctx, fmt.Sprintf(`SELECT multikey, inexact FROM %q WHERE name = ?`, FlagsTable), table)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return 0, 0, nil
		}

		return 0, 0, lazyerrors.Error(err)
	}
	defer rows.Close()

	var mk, ie int64
	if rows.Next() {
		if err = rows.Scan(&mk, &ie); err != nil {
			return 0, 0, lazyerrors.Error(err)
		}
	}

	return Bits(mk), Bits(ie), wrap(rows.Err())
}

// ReadDocs reads stored documents with their rowids; where is a clause on the collection table.
func ReadDocs(ctx context.Context, db Querier, table, where string, args ...any) ([]Doc, error) {
	rows, err := db.QueryContext(ctx, fmt.Sprintf(`SELECT rowid, _ferretdb_sjson FROM %q %s`, table, where), args...)
	if err != nil {
		return nil, lazyerrors.Error(err)
	}
	defer rows.Close()

	var res []Doc

	for rows.Next() {
		var d Doc
		var b []byte

		if err = rows.Scan(&d.RowID, &b); err != nil {
			return nil, lazyerrors.Error(err)
		}

		if d.Doc, err = sjson.Unmarshal(b); err != nil {
			return nil, lazyerrors.Error(err)
		}

		res = append(res, d)
	}

	return res, wrap(rows.Err())
}

func keyCols(ix *Index) string {
	cols := make([]string, len(ix.Fields))
	for i := range cols {
		cols[i] = fmt.Sprintf("k%d", i)
	}

	return strings.Join(cols, ", ")
}

// wrap is lazyerrors.Error that lets nil through.
func wrap(err error) error {
	if err == nil {
		return nil
	}

	return lazyerrors.Error(err)
}

// Backfill adds the entries of every document already in the collection table, in chunks of
// rowids so memory stays bounded, each chunk in its own transaction.
func Backfill(ctx context.Context, db *fsql.DB, ix *Index, collTable string) error {
	var after int64 = -1 << 63

	for {
		docs, err := ReadDocs(ctx, db, collTable, `WHERE rowid > ? ORDER BY rowid LIMIT 1000`, after)
		if err != nil || len(docs) == 0 {
			return err
		}

		if err = db.InTransaction(ctx, func(tx *fsql.Tx) error { return Insert(ctx, tx, ix, docs) }); err != nil {
			return err
		}

		after = docs[len(docs)-1].RowID
	}
}
