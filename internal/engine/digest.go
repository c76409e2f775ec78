package engine

// PolicyDigest is the digest a report records over the policy files (each
// file's path and sha256, test files excluded), computed without compiling.
func PolicyDigest(ms []Module) string {
	_, d := policyRefs(ms)
	return d
}
