package attest

import _ "embed"

// PredicateSchema is the JSON Schema (draft 2020-12) of the predicate, generated
// from the Go types by 'go test ./internal/attest -run TestPredicateSchema -update'.
//
//go:embed schema/predicate.schema.json
var PredicateSchema []byte
