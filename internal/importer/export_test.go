package importer

// SameValue is sameValue, for the tests of package importer_test.
var SameValue = sameValue
