package evidence

import _ "embed"

// JSONSchema is the JSON Schema (draft 2020-12) of the evidence document. It is
// generated from these types and their doc comments by the package's tests
// (go test ./evidence -update), which fail when it is out of date.
//
//go:embed schema/evidence.schema.json
var JSONSchema []byte
