package engine

// ToValue exposes toValue to the package's black-box tests.
var ToValue = toValue
