package engine

// ToValue exposes toValue to the package's black-box tests.
var ToValue = toValue

// JSONDigest exposes jsonDigest to the package's black-box tests.
var JSONDigest = jsonDigest
