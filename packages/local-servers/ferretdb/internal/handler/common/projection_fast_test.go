// Added to FerretDB v1.24.2 by the audit-log project's tools build (packages/local-servers).

package common

import (
	"reflect"
	"testing"

	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/iterator"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// The projection iterator hands out the document itself for an empty or top-level exclusion
// projection: the result must be what ProjectDocument makes of a copy, for every projection.
func TestProjectionIteratorShortcut(t *testing.T) {
	t.Parallel()

	doc := func() *types.Document {
		return must.NotFail(types.NewDocument(
			"_id", "evt_1",
			"a", int32(1),
			"b", must.NotFail(types.NewDocument("c", "x", "d", must.NotFail(types.NewArray(int64(1), "y")))),
			"tokens", must.NotFail(types.NewArray("deploy", "prod")),
			"idem", "auto:evt_1",
			"n", types.Null,
		))
	}
	noID := func() *types.Document { return must.NotFail(types.NewDocument("a", int32(1), "_id", "evt_2")) }

	projections := []*types.Document{
		nil,
		must.NotFail(types.NewDocument()),
		must.NotFail(types.NewDocument("tokens", false, "idem", int32(0))),
		must.NotFail(types.NewDocument("missing", false)),
		must.NotFail(types.NewDocument("b.c", false)),
		must.NotFail(types.NewDocument("_id", false)),
		must.NotFail(types.NewDocument("_id", false, "a", false)),
		must.NotFail(types.NewDocument("a", true)),
		must.NotFail(types.NewDocument("a", int64(1), "b.d", true)),
	}

	for _, make := range []func() *types.Document{doc, noID} {
		for _, projection := range projections {
			want := projectByDocument(t, make(), projection)

			closer := iterator.NewMultiCloser()

			src := iterator.Values(iterator.ForSlice([]*types.Document{make()}))

			iter, err := ProjectionIterator(src, closer, projection, nil)
			if err != nil {
				t.Fatal(err)
			}

			_, got, err := iter.Next()
			if err != nil {
				t.Fatal(err)
			}

			closer.Close()

			if !reflect.DeepEqual(got.Keys(), want.Keys()) || !reflect.DeepEqual(got.Values(), want.Values()) {
				t.Fatalf("projection %v of %v:\ngot  %v\nwant %v", projection, make(), got, want)
			}
		}
	}
}

func projectByDocument(t *testing.T, doc, projection *types.Document) *types.Document {
	t.Helper()

	validated, inclusion, err := ValidateProjection(projection)
	if err != nil {
		t.Fatal(err)
	}

	res, err := ProjectDocument(doc, validated, nil, inclusion)
	if err != nil {
		t.Fatal(err)
	}

	return res
}
