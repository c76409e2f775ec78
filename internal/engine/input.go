package engine

import (
	"encoding/json"
	"fmt"
	"reflect"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
)

// toValue converts a Go value to the ast.Value that decoding its JSON encoding
// would give, without the JSON round trip: for a large evidence document this is
// most of the cost of handing it to OPA. It follows encoding/json's rules for the
// types the evidence document uses (structs with json tags and omitempty,
// embedded structs, pointers, slices, string-keyed maps, time.Time, numbers,
// booleans, and any); a test holds it equal to the round trip.
//
// The elements of long slices are converted on GOMAXPROCS goroutines.
func toValue(v reflect.Value) (ast.Value, error) { return convert(v, true) }

// parallelMin is the shortest slice whose elements are converted concurrently.
const parallelMin = 2048

// convert is toValue; par says whether long slices may be split across
// goroutines (not inside a part already converted concurrently).
func convert(v reflect.Value, par bool) (ast.Value, error) {
	switch v.Kind() {
	case reflect.Invalid:
		return ast.Null{}, nil
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return ast.Null{}, nil
		}
		return convert(v.Elem(), par)
	case reflect.String:
		return ast.String(v.String()), nil
	case reflect.Bool:
		return ast.Boolean(v.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return ast.Number(strconv.FormatInt(v.Int(), 10)), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return ast.Number(strconv.FormatUint(v.Uint(), 10)), nil
	case reflect.Float32, reflect.Float64:
		b, err := json.Marshal(v.Interface())
		if err != nil {
			return nil, err
		}
		return ast.Number(b), nil
	case reflect.Slice:
		if v.IsNil() {
			return ast.Null{}, nil
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return nil, fmt.Errorf("byte slices are not part of the evidence document")
		}
		terms := make([]*ast.Term, v.Len())
		if par && len(terms) >= parallelMin && runtime.GOMAXPROCS(0) > 1 {
			if err := convertParallel(v, terms); err != nil {
				return nil, err
			}
			return ast.NewArray(terms...), nil
		}
		for i := range terms {
			x, err := convert(v.Index(i), par)
			if err != nil {
				return nil, err
			}
			terms[i] = ast.NewTerm(x)
		}
		return ast.NewArray(terms...), nil
	case reflect.Map:
		if v.IsNil() {
			return ast.Null{}, nil
		}
		if v.Type().Key().Kind() != reflect.String {
			return nil, fmt.Errorf("map keys must be strings, found %s", v.Type().Key())
		}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		pairs := make([][2]*ast.Term, 0, len(keys))
		for _, k := range keys {
			x, err := convert(v.MapIndex(k), par)
			if err != nil {
				return nil, err
			}
			pairs = append(pairs, [2]*ast.Term{ast.StringTerm(k.String()), ast.NewTerm(x)})
		}
		return ast.NewObject(pairs...), nil
	case reflect.Struct:
		if t, ok := v.Interface().(time.Time); ok {
			b, err := t.MarshalJSON()
			if err != nil {
				return nil, err
			}
			return ast.String(strings.Trim(string(b), `"`)), nil
		}
		pairs := make([][2]*ast.Term, 0, v.NumField())
		if err := structFields(v, &pairs, par); err != nil {
			return nil, err
		}
		return ast.NewObject(pairs...), nil
	}
	return nil, fmt.Errorf("unsupported type %s in the evidence document", v.Type())
}

type fieldInfo struct {
	index     int
	name      string
	omitEmpty bool
	embedded  bool
	// key is the name as a term, made once: a document has hundreds of
	// thousands of objects of a few types.
	key *ast.Term
}

var fieldCache sync.Map // reflect.Type → []fieldInfo

func fieldsOf(t reflect.Type) []fieldInfo {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]fieldInfo)
	}
	var out []fieldInfo
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, fieldInfo{index: i, embedded: true})
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, fieldInfo{index: i, name: name, omitEmpty: strings.Contains(opts, "omitempty"), key: ast.StringTerm(name)})
	}
	fieldCache.Store(t, out)
	return out
}

// convertParallel converts the slice's elements into terms in GOMAXPROCS
// contiguous parts concurrently; the error is the first failing element's.
func convertParallel(v reflect.Value, terms []*ast.Term) error {
	parts := runtime.GOMAXPROCS(0)
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := p*len(terms)/parts, (p+1)*len(terms)/parts
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				x, err := convert(v.Index(i), false)
				if err != nil {
					errs[p] = err
					return
				}
				terms[i] = ast.NewTerm(x)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func structFields(v reflect.Value, pairs *[][2]*ast.Term, par bool) error {
	for _, f := range fieldsOf(v.Type()) {
		fv := v.Field(f.index)
		if f.embedded {
			if err := structFields(fv, pairs, par); err != nil {
				return err
			}
			continue
		}
		if f.omitEmpty && isEmpty(fv) {
			continue
		}
		x, err := convert(fv, par)
		if err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
		*pairs = append(*pairs, [2]*ast.Term{f.key, ast.NewTerm(x)})
	}
	return nil
}

// isEmpty is encoding/json's notion of an empty value for omitempty.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Interface, reflect.Pointer:
		return v.IsNil()
	}
	return false
}
