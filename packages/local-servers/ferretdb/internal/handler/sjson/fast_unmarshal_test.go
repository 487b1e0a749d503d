// Added to FerretDB v1.24.2 by the audit-log project's tools build (packages/local-servers).

package sjson

import (
	"math"
	"math/rand"
	"reflect"
	"testing"
	"time"

	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// The one-pass decoder must give exactly what the original decoding gives: for generated
// documents of every type, and for the same bytes damaged at random (where it may only decline).
func TestFastUnmarshalDifferential(t *testing.T) {
	t.Parallel()

	rng := rand.New(rand.NewSource(20261203))
	marshaled, taken := 0, 0

	for i := 0; i < 20000; i++ {
		doc := randomDocument(rng, 0)

		data, err := Marshal(doc)
		if err != nil {
			continue // values Marshal cannot write (NaN, Inf) are never stored
		}

		if _, err := unmarshalSlow(data); err == nil {
			marshaled++ // some generated keys (raw quotes at the top level) make bytes it refuses
		}

		if checkSameDecoding(t, data) {
			taken++
		}

		for m := 0; m < 4; m++ {
			checkSameDecoding(t, mutate(rng, data))
		}
	}

	// The point of the decoder: every document Marshal wrote and Unmarshal reads takes the fast path.
	if taken != marshaled {
		t.Fatalf("%d of %d readable marshaled documents took the fast path", taken, marshaled)
	}
}

// checkSameDecoding reports whether the fast path took data, failing the test when its result
// differs from the original decoding's.
// Schema spellings encoding/json reads its own way (unknown or differently cased members, nulls,
// duplicates): the fast path must decline them or agree.
func TestFastUnmarshalSchemaForms(t *testing.T) {
	t.Parallel()

	for _, data := range []string{
		`{"$s":{"p":{"a":{"t":"string","x":null}},"$k":["a"]},"a":"v"}`,
		`{"$s":{"p":{"a":{"T":"string"}},"$k":["a"]},"a":"v"}`,
		`{"$s":{"P":{"a":{"t":"string"}},"$k":["a"]},"a":"v"}`,
		`{"$s":{"p":{"a":{"t":"string"},"a":{"t":"int"}},"$k":["a"]},"a":1}`,
		`{"$s":{"p":{"a":{"t":"string","t":"int"}},"$k":["a"]},"a":1}`,
		`{"$s":{"p":{"a":{"t":"array","i":null}},"$k":["a"]},"a":[]}`,
		`{"$s":{"p":{"a":{"t":"array","i":[]}},"$k":["a"]},"a":[]}`,
		`{"$s":{"p":{"a":{"t":"object","$s":null}},"$k":["a"]},"a":{}}`,
		`{"$s":{"p":{"a":{"t":"object","$s":{}}},"$k":["a"]},"a":{}}`,
		`{"$s":{"p":{"a":{"t":"regex","o":null}},"$k":["a"]},"a":"x"}`,
		`{"$s":{"p":{"a":{"t":"binData","s":null}},"$k":["a"]},"a":"eA=="}`,
		`{"$s":{"p":{"a":{"t":"binData","s":300}},"$k":["a"]},"a":"eA=="}`,
		`{"$s":{"p":{"a":{"t":null}},"$k":["a"]},"a":null}`,
		`{"$s":{"p":null,"$k":null}}`,
		`{"$s":{}}`,
		`{"$s":null}`,
		`{"$s":{"p":{"a":{"t":"string"}},"$k":["a"]},"a":"v"}`,
	} {
		checkSameDecoding(t, []byte(data))
	}
}

func checkSameDecoding(t *testing.T, data []byte) bool {
	t.Helper()

	fast, ok := unmarshalFast(data)
	slow, err := unmarshalSlow(data)

	if !ok {
		return false
	}

	if err != nil {
		t.Fatalf("fast path decoded what the original refuses (%v): %q", err, data)
	}

	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("decodings differ for %q:\nfast %#v\nslow %#v", data, fast, slow)
	}

	return true
}

func mutate(rng *rand.Rand, data []byte) []byte {
	b := append([]byte(nil), data...)
	if len(b) == 0 {
		return b
	}

	p := rng.Intn(len(b))
	alphabet := []byte(`{}[],:"\ 0123456789-.eEtrufalsn$pkis` + "\x00\x1f\xff")

	switch rng.Intn(4) {
	case 0:
		b[p] = alphabet[rng.Intn(len(alphabet))]
	case 1:
		b = append(b[:p], b[p+1:]...)
	case 2:
		b = append(b[:p], append([]byte{alphabet[rng.Intn(len(alphabet))]}, b[p:]...)...)
	default:
		q := rng.Intn(len(b))
		b[p], b[q] = b[q], b[p]
	}

	return b
}

func randomDocument(rng *rand.Rand, depth int) *types.Document {
	n := rng.Intn(6)
	if depth == 0 {
		n = 1 + rng.Intn(12)
	}

	pairs := make([]any, 0, 2*n)
	seen := map[string]bool{}

	for i := 0; i < n; i++ {
		// Documents with a key twice cannot be marshaled; the mutations write such bytes instead.
		if k := randomKey(rng, depth); !seen[k] {
			seen[k] = true
			pairs = append(pairs, k, randomValue(rng, depth))
		}
	}

	doc, err := types.NewDocument(pairs...)
	if err != nil {
		panic(err)
	}

	return doc
}

// randomKey gives names of every kind below the top level; Marshal writes top-level names
// unescaped, so there they are ones FerretDB accepts (it validates field names on insert).
func randomKey(rng *rand.Rand, depth int) string {
	keys := []string{"_id", "a", "b", "workspaceId", "tokens", "p", "t", "i", "é", "a<b", "日本"}
	if depth > 0 {
		keys = append(keys, "q\"uote", "x\\y", "$k", "$s", "", randomString(rng), randomString(rng))
	}

	return keys[rng.Intn(len(keys))]
}

func randomString(rng *rand.Rand) string {
	parts := []string{"a", "deploy", " ", "é", "日本", "😀", "<", ">", "&", "\"", "\\", "\n", "\t", "\x00", "\x1f",
		"\u2028", "\xff", "\xed\xa0\x80", "null", "1", "\u007f"}
	s := ""
	for n := rng.Intn(6); n > 0; n-- {
		s += parts[rng.Intn(len(parts))]
	}

	return s
}

func randomValue(rng *rand.Rand, depth int) any {
	kind := rng.Intn(14)
	if depth >= 3 && kind < 2 {
		kind = 2
	}

	switch kind {
	case 0:
		return randomDocument(rng, depth+1)
	case 1:
		a := types.MakeArray(0)
		for n := rng.Intn(5); n > 0; n-- {
			a.Append(randomValue(rng, depth+1))
		}

		return a
	case 2:
		return randomString(rng)
	case 3:
		doubles := []float64{0, math.Copysign(0, -1), 1.5, -2, 1e300, 5e-324, math.MaxFloat64, 42, math.Inf(1)}
		return doubles[rng.Intn(len(doubles))]
	case 4:
		ints := []int32{0, -1, 1, math.MaxInt32, math.MinInt32}
		return ints[rng.Intn(len(ints))]
	case 5:
		longs := []int64{0, -1, 1 << 53, math.MaxInt64, math.MinInt64}
		return longs[rng.Intn(len(longs))]
	case 6:
		return time.UnixMilli(rng.Int63n(1<<45) - 1<<44)
	case 7:
		return rng.Intn(2) == 0
	case 8:
		return types.Null
	case 9:
		return types.ObjectID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, byte(rng.Intn(256))}
	case 10:
		return types.Binary{Subtype: types.BinarySubtype(rng.Intn(5)), B: []byte(randomString(rng))}
	case 11:
		return types.Regex{Pattern: randomString(rng), Options: "i"}
	case 12:
		return types.Timestamp(rng.Uint64())
	default:
		return randomString(rng)
	}
}

// sampleEvent is shaped like a stored audit event (about 2 KB of sjson).
func sampleEvent() *types.Document {
	toks := types.MakeArray(0)
	for _, w := range []string{"deploy", "production", "service", "api", "started", "by", "grace", "actor:grace", "actor:usr_01", "target:prod", "target:env_01", "lock", "created", "lock.created", "drift", "detected", "release", "v1", "2", "3"} {
		toks.Append(w)
	}
	return must.NotFail(types.NewDocument(
		"_id", "evt_01JABCDEFGHJKMNPQRSTVWXYZ0",
		"workspaceId", "ws_01JABCDEFGHJKMNPQRSTVWXYZ0",
		"organizationId", "org_01JABCDEFGHJKMNPQRSTVWXYZ0",
		"seq", int64(123456),
		"category", "lock",
		"action", "lock.created",
		"actor", must.NotFail(types.NewDocument("type", "user", "id", "usr_01", "name", "Grace Hopper", "email", "grace@example.com")),
		"target", must.NotFail(types.NewDocument("type", "environment", "id", "env_01", "name", "prod")),
		"description", "Deploy of production service api started by grace; drift detected",
		"metadata", must.NotFail(types.NewDocument("reason", "drift detected in prod", "count", int32(3), "nested", must.NotFail(types.NewDocument("a", "b", "c", float64(1.5))))),
		"occurredAt", time.UnixMilli(1700000000000).UTC(),
		"recordedAt", time.UnixMilli(1700000000123).UTC(),
		"context", must.NotFail(types.NewDocument("ip", "10.0.0.1", "userAgent", "Mozilla/5.0 (X11; Linux x86_64)", "requestId", "req_123")),
		"idempotencyKey", types.Null,
		"idem", "auto:evt_01JABCDEFGHJKMNPQRSTVWXYZ0",
		"hash", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		"tokens", toks,
	))
}

func BenchmarkUnmarshalFastVsSlow(b *testing.B) {
	data, err := Marshal(sampleEvent())
	if err != nil {
		b.Fatal(err)
	}

	b.Run("fast", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, ok := unmarshalFast(data); !ok {
				b.Fatal("declined")
			}
		}
	})

	b.Run("original", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := unmarshalSlow(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}
