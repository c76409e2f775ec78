package engine

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding"
	"encoding/hex"
	"encoding/json"
	"reflect"
)

// jsonDigest returns the hex SHA-256 of json.Marshal(v) without holding the
// whole encoding in memory: for a large evidence document (tens of megabytes)
// growing that buffer cost more than encoding it. It walks the structs, pointers
// and slices near the top of the value itself, writing the delimiters
// encoding/json writes, and hands everything else (scalars, maps, the elements
// of long slices, values with their own marshalling) to encoding/json, one piece
// at a time. It follows encoding/json's rules for the types toValue follows; a
// test holds it equal to hashing json.Marshal.
func jsonDigest(v any) (string, error) {
	h := sha256.New()
	d := &digester{w: bufio.NewWriterSize(h, 64<<10)}
	d.enc = json.NewEncoder(&d.buf)
	if err := d.value(reflect.ValueOf(v)); err != nil {
		return "", err
	}
	if err := d.w.Flush(); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

type digester struct {
	w   *bufio.Writer
	buf bytes.Buffer
	enc *json.Encoder
}

// splitMax is the longest slice whose elements are walked; the elements of
// longer ones (files, SARIF results, test cases) are encoded one by one.
const splitMax = 16

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// plain reports whether encoding/json encodes values of the type by their kind
// (no MarshalJSON or MarshalText, on the value or its address).
func plain(t reflect.Type) bool {
	for _, x := range []reflect.Type{t, reflect.PointerTo(t)} {
		if x.Implements(marshalerType) || x.Implements(textMarshalerType) {
			return false
		}
	}
	return true
}

func (d *digester) value(v reflect.Value) error {
	if !v.IsValid() || !plain(v.Type()) {
		return d.encode(v)
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			_, err := d.w.WriteString("null")
			return err
		}
		return d.value(v.Elem())
	case reflect.Struct:
		d.w.WriteByte('{')
		first := true
		if err := d.fields(v, &first); err != nil {
			return err
		}
		return d.w.WriteByte('}')
	case reflect.Slice:
		if v.IsNil() {
			_, err := d.w.WriteString("null")
			return err
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return d.encode(v)
		}
		d.w.WriteByte('[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				d.w.WriteByte(',')
			}
			var err error
			if v.Len() <= splitMax {
				err = d.value(v.Index(i))
			} else {
				err = d.encode(v.Index(i))
			}
			if err != nil {
				return err
			}
		}
		return d.w.WriteByte(']')
	}
	return d.encode(v)
}

// fields writes a struct's fields as encoding/json does: in order, embedded
// structs' fields in place, empty omitempty fields left out.
func (d *digester) fields(v reflect.Value, first *bool) error {
	for _, f := range fieldsOf(v.Type()) {
		fv := v.Field(f.index)
		if f.embedded {
			if err := d.fields(fv, first); err != nil {
				return err
			}
			continue
		}
		if f.omitEmpty && isEmpty(fv) {
			continue
		}
		if !*first {
			d.w.WriteByte(',')
		}
		*first = false
		name, err := json.Marshal(f.name)
		if err != nil {
			return err
		}
		d.w.Write(name)
		d.w.WriteByte(':')
		if err := d.value(fv); err != nil {
			return err
		}
	}
	return nil
}

// encode writes encoding/json's encoding of one value. An addressable value is
// encoded through its address, as encoding/json does (pointer-receiver
// marshallers apply).
func (d *digester) encode(v reflect.Value) error {
	d.buf.Reset()
	var x any
	switch {
	case !v.IsValid():
		x = nil
	case v.CanAddr():
		x = v.Addr().Interface()
	default:
		x = v.Interface()
	}
	if err := d.enc.Encode(x); err != nil {
		return err
	}
	b := d.buf.Bytes()
	_, err := d.w.Write(b[:len(b)-1]) // Encode ends with a newline
	return err
}
