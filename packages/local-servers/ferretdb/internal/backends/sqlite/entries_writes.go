// Added to FerretDB v1.24.2 by the audit-log project's tools build (packages/local-servers).

package sqlite

import (
	"context"
	"errors"
	"fmt"
	"strings"

	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"

	"github.com/FerretDB/FerretDB/internal/backends"
	"github.com/FerretDB/FerretDB/internal/backends/sqlite/entries"
	"github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata"
	"github.com/FerretDB/FerretDB/internal/handler/sjson"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/fsql"
	"github.com/FerretDB/FerretDB/internal/util/lazyerrors"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// entryIndexes lists the collection's indexes kept as entries tables (all but `_id_`, which
// stays an expression index on the collection table).
func entryIndexes(meta *metadata.Collection) []*entries.Index {
	var res []*entries.Index

	for _, info := range meta.Settings.Indexes {
		if info.Name != backends.DefaultIndexName {
			res = append(res, metadata.EntriesIndex(meta.TableName, info))
		}
	}

	return res
}

// insertBatch inserts documents and their index entries in the caller's transaction. A
// document that breaks a unique index (its own `_id_` or an entries table's) fails the batch
// with the same error.
func insertBatch(ctx context.Context, tx *fsql.Tx, meta *metadata.Collection, q string, args []any, batch []*types.Document) error {
	ixs := entryIndexes(meta)
	if len(ixs) == 0 {
		_, err := tx.ExecContext(ctx, q, args...)
		return duplicateOr(err)
	}

	rows, err := tx.QueryContext(ctx, q+" RETURNING rowid, "+metadata.IDColumn, args...)
	if err != nil {
		return duplicateOr(err)
	}

	// RETURNING gives rows in no promised order: they are matched to documents by `_id`.
	rowIDs := make(map[string]int64, len(batch))

	for rows.Next() {
		var rid int64
		var id string

		if err = rows.Scan(&rid, &id); err != nil {
			rows.Close()
			return lazyerrors.Error(err)
		}

		rowIDs[id] = rid
	}

	rows.Close()

	if err = rows.Err(); err != nil {
		return duplicateOr(err)
	}

	docs := make([]entries.Doc, len(batch))
	for i, d := range batch {
		id := string(must.NotFail(sjson.MarshalSingleValue(must.NotFail(d.Get("_id")))))
		docs[i] = entries.Doc{RowID: rowIDs[id], Doc: d}
	}

	for _, ix := range ixs {
		if err = entries.Insert(ctx, tx, ix, docs); err != nil {
			return duplicateOr(err)
		}
	}

	return nil
}

// updateOne replaces one stored document (by its `_id` text) and its index entries.
func updateOne(ctx context.Context, tx *fsql.Tx, meta *metadata.Collection, q string, doc []byte, id string) (int64, error) {
	ixs := entryIndexes(meta)

	var before []entries.Doc

	if len(ixs) > 0 {
		var err error
		where := fmt.Sprintf(`WHERE %s = ?`, metadata.IDColumn)

		if before, err = entries.ReadDocs(ctx, tx, meta.TableName, where, id); err != nil {
			return 0, err
		}

		for _, ix := range ixs {
			if err = entries.Delete(ctx, tx, ix, before); err != nil {
				return 0, lazyerrors.Error(err)
			}
		}
	}

	r, err := tx.ExecContext(ctx, q, string(doc), id)
	if err != nil {
		return 0, lazyerrors.Error(err)
	}

	if len(before) > 0 {
		after := must.NotFail(sjson.Unmarshal(doc))
		for _, ix := range ixs {
			if err = entries.Insert(ctx, tx, ix, []entries.Doc{{RowID: before[0].RowID, Doc: after}}); err != nil {
				return 0, duplicateOr(err)
			}
		}
	}

	return r.RowsAffected()
}

// deleteEntries removes the index entries of the documents a delete is about to remove. The
// documents the caller read are used as they are when their stored text has not changed since,
// which spares decoding each one again.
func deleteEntries(ctx context.Context, tx *fsql.Tx, meta *metadata.Collection, column string, args []any, read []*types.Document) error {
	ixs := entryIndexes(meta)
	if len(ixs) == 0 {
		return nil
	}

	where := fmt.Sprintf(`WHERE %s IN (%s)`, column, strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", "))

	docs, err := storedDocs(ctx, tx, meta.TableName, where, args, read)
	if err != nil {
		return err
	}

	for _, ix := range ixs {
		if err = entries.Delete(ctx, tx, ix, docs); err != nil {
			return lazyerrors.Error(err)
		}
	}

	return nil
}

// storedDocs reads the documents a clause selects with their rowids, taking the caller's copy of
// a document whose stored text it matches.
func storedDocs(ctx context.Context, tx *fsql.Tx, table, where string, args []any, read []*types.Document) ([]entries.Doc, error) {
	known := make(map[string]*types.Document, len(read))

	for _, d := range read {
		if b, err := sjson.Marshal(d); err == nil {
			known[string(b)] = d
		}
	}

	rows, err := tx.QueryContext(ctx, fmt.Sprintf(`SELECT rowid, %s FROM %q %s`, metadata.DefaultColumn, table, where), args...)
	if err != nil {
		return nil, lazyerrors.Error(err)
	}
	defer rows.Close()

	var res []entries.Doc

	for rows.Next() {
		var d entries.Doc
		var b []byte

		if err = rows.Scan(&d.RowID, &b); err != nil {
			return nil, lazyerrors.Error(err)
		}

		if d.Doc = known[string(b)]; d.Doc == nil {
			if d.Doc, err = sjson.Unmarshal(b); err != nil {
				return nil, lazyerrors.Error(err)
			}
		}

		res = append(res, d)
	}

	if err = rows.Err(); err != nil {
		return nil, lazyerrors.Error(err)
	}

	return res, nil
}

// duplicateOr reports a unique index violation as the backend's duplicate error.
func duplicateOr(err error) error {
	if err == nil {
		return nil
	}

	var se *sqlite3.Error
	if errors.Is(err, entries.ErrDuplicate) || (errors.As(err, &se) && se.Code() == sqlite3lib.SQLITE_CONSTRAINT_UNIQUE) {
		return backends.NewError(backends.ErrorCodeInsertDuplicateID, err)
	}

	return lazyerrors.Error(err)
}
