// Added to FerretDB v1.24.2 by the audit-log project's tools build (packages/local-servers).

package metadata

import (
	"context"

	"github.com/FerretDB/FerretDB/internal/backends"
	"github.com/FerretDB/FerretDB/internal/backends/sqlite/entries"
	"github.com/FerretDB/FerretDB/internal/util/fsql"
)

// EntriesIndex describes the entries table that holds an index of a collection table.
func EntriesIndex(table string, index IndexInfo) *entries.Index {
	ix := &entries.Index{Table: entries.TableName(table, index.Name), Unique: index.Unique}

	for _, k := range index.Key {
		ix.Fields = append(ix.Fields, k.Field)
		ix.Desc = append(ix.Desc, k.Descending)
	}

	return ix
}

// createEntries makes an index's entries table and fills it from the documents already stored.
func createEntries(ctx context.Context, db *fsql.DB, table string, index IndexInfo) error {
	ix := EntriesIndex(table, index)
	if err := entries.Create(ctx, db, ix); err != nil {
		return err
	}

	if err := entries.Backfill(ctx, db, ix, table); err != nil {
		_ = entries.Drop(ctx, db, ix.Table)
		return err
	}

	return nil
}

// migrateEntries gives the indexes of a database written before entries tables existed their
// entries, in place of the expression indexes they had.
func migrateEntries(ctx context.Context, db *fsql.DB, colls map[string]*Collection) error {
	for _, c := range colls {
		for _, index := range c.Settings.Indexes {
			if index.Name == backends.DefaultIndexName {
				continue
			}

			exists, err := entries.Exists(ctx, db, entries.TableName(c.TableName, index.Name))
			if err != nil || exists {
				if err != nil {
					return err
				}

				continue
			}

			if _, err = db.ExecContext(ctx, `DROP INDEX IF EXISTS "`+c.TableName+"_"+index.Name+`"`); err != nil {
				return err
			}

			if err = createEntries(ctx, db, c.TableName, index); err != nil {
				return err
			}
		}
	}

	return nil
}
