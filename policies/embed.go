// Package policies holds mdrgate's built-in controls, written in Rego, and embeds
// them so the engine ships them inside the binary.
package policies

import "embed"

// FS holds the built-in policies: lib/*.rego and controls/*/*.rego, tests included.
//
//go:embed lib controls
var FS embed.FS
