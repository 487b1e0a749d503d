// Added to FerretDB v1.24.2 by the audit-log project's tools build (packages/local-servers).

// Package entries keeps the SQLite backend's secondary indexes as tables of index entries: one
// row per key a document has in the index, as MongoDB's indexes hold them (an array field gives
// one entry per element), so that SQLite can answer equality, range and prefix conditions on
// them, including on array elements, and walk them in sort order.
package entries

import (
	"encoding/binary"
	"math"
	"time"

	"github.com/FerretDB/FerretDB/internal/handler/sjson"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// Type brackets, in the order FerretDB sorts types (types.CompareOrderForSort). The first byte of
// every key is its bracket, so keys of different types compare as their brackets do.
const (
	bracketEmptyArray byte = 0x08 // the key of an empty array: below everything, as in sort
	bracketNull       byte = 0x10 // null, and a missing field
	bracketNaN        byte = 0x20
	bracketNumber     byte = 0x30
	bracketString     byte = 0x40
	bracketDocument   byte = 0x50
	bracketArray      byte = 0x60 // an array inside an array
	bracketBinary     byte = 0x70
	bracketObjectID   byte = 0x80
	bracketBool       byte = 0x90
	bracketDate       byte = 0xa0
	bracketTimestamp  byte = 0xb0
	bracketRegex      byte = 0xc0
)

// Key encodes one value so that bytes.Compare of two keys orders them as FerretDB's sort and
// filters do, and two values equal for a filter have equal keys: numbers of every width compare
// by exact value, strings by their bytes, dates by milliseconds.
//
// Exact is false for documents, nested arrays and regular expressions: their keys are equal for
// equal values but do not order them, so a sort over such keys is not pushed down.
func Key(v any) (key []byte, exact bool) {
	switch v := v.(type) {
	case types.NullType:
		return []byte{bracketNull}, true
	case float64:
		if math.IsNaN(v) {
			return []byte{bracketNaN}, true
		}

		return numberKey(v, 0), true
	case int32:
		return numberKey(float64(v), 0), true
	case int64:
		return int64Key(v), true
	case string:
		return append([]byte{bracketString}, v...), true
	case types.Binary:
		k := []byte{bracketBinary}
		k = binary.BigEndian.AppendUint32(k, uint32(len(v.B)))
		k = append(k, byte(v.Subtype))

		return append(k, v.B...), true
	case types.ObjectID:
		return append([]byte{bracketObjectID}, v[:]...), true
	case bool:
		if v {
			return []byte{bracketBool, 1}, true
		}

		return []byte{bracketBool, 0}, true
	case time.Time:
		return append([]byte{bracketDate}, orderedInt64(v.UnixMilli())...), true
	case types.Timestamp:
		return binary.BigEndian.AppendUint64([]byte{bracketTimestamp}, uint64(v)), true
	case *types.Document:
		return append([]byte{bracketDocument}, must.NotFail(sjson.MarshalSingleValue(v))...), false
	case *types.Array:
		return append([]byte{bracketArray}, must.NotFail(sjson.MarshalSingleValue(v))...), false
	case types.Regex:
		return append([]byte{bracketRegex}, must.NotFail(sjson.MarshalSingleValue(v))...), false
	}

	panic("entries.Key: unexpected type")
}

// Bracket returns the first byte of the keys of v's type: with BracketEnd, the key range that a
// comparison operator may match (comparisons match only values of the same type, numbers alike).
func Bracket(v any) byte {
	k, _ := Key(v)
	return k[0]
}

// BracketEnd is the smallest key above every key of the given bracket.
func BracketEnd(b byte) []byte {
	return []byte{b + 1}
}

// EmptyArrayKey is the key an empty array has in an index.
func EmptyArrayKey() []byte {
	return []byte{bracketEmptyArray}
}

// NullKey is the key of null and of a missing field.
func NullKey() []byte {
	return []byte{bracketNull}
}

// numberKey orders every number by exact value: the nearest float64, then the integer remainder
// an int64 has beyond it (zero for doubles), so 2^53+1 as int64 sorts after 2^53 as a double.
func numberKey(f float64, rem int64) []byte {
	if f == 0 {
		f = 0 // -0 equals 0
	}

	bits := math.Float64bits(f)
	if bits&(1<<63) != 0 {
		bits = ^bits
	} else {
		bits |= 1 << 63
	}

	k := binary.BigEndian.AppendUint64([]byte{bracketNumber}, bits)

	return append(k, orderedInt64(rem)...)
}

func int64Key(v int64) []byte {
	f := float64(v)

	// float64(v) rounds to nearest; at the very top it rounds up to 2^63, which int64 cannot hold.
	if f >= math.Exp2(63) {
		return numberKey(f, v-math.MaxInt64-1)
	}

	return numberKey(f, v-int64(f))
}

// orderedInt64 is v big-endian with the sign bit flipped, so bytes compare as the numbers do.
func orderedInt64(v int64) []byte {
	return binary.BigEndian.AppendUint64(nil, uint64(v)^(1<<63))
}
