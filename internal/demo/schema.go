package demo

import (
	"embed"
	"path"
)

// schemaFS holds the demo collection definitions, one JSON file each.
//
//go:embed schema/*.json
var schemaFS embed.FS

// collectionFiles lists the schema files in creation order: the persons
// collection must exist before the data collection whose records reference it.
var collectionFiles = []string{"customers.json", "support_notes.json"}

// Collections returns the demo collection definitions as JSON documents, each
// exactly the body of POST /v1/collections, in the order they must be created
// ("customers", then "support_notes"). Each call returns fresh copies.
func Collections() [][]byte {
	out := make([][]byte, 0, len(collectionFiles))
	for _, f := range collectionFiles {
		b, err := schemaFS.ReadFile(path.Join("schema", f))
		if err != nil {
			panic("demo: missing embedded schema " + f + ": " + err.Error())
		}
		out = append(out, b)
	}
	return out
}
