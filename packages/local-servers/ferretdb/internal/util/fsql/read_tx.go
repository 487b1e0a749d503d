// Added to FerretDB v1.24.2 by the audit-log project's tools build (packages/local-servers).

package fsql

import (
	"context"
	"database/sql"

	"github.com/FerretDB/FerretDB/internal/util/lazyerrors"
)

// BeginReadTx starts a read-only transaction: several queries then read one snapshot. The
// caller commits or rolls it back.
func (db *DB) BeginReadTx(ctx context.Context) (*Tx, error) {
	sqlTx, err := db.sqlDB.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, lazyerrors.Error(err)
	}

	return wrapTx(sqlTx, db.l), nil
}

// PrepareContext prepares a statement in the transaction, for one statement run many times.
func (tx *Tx) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	stmt, err := tx.sqlTx.PrepareContext(ctx, query)
	if err != nil {
		return nil, lazyerrors.Error(err)
	}

	return stmt, nil
}
