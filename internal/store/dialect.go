package store

import (
	"strconv"
	"strings"
	"sync"
)

// Engine names a supported database engine.
type Engine string

// The supported engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// dialect holds the few differences between the engines' SQL.
type dialect struct {
	engine  Engine
	rebinds sync.Map // query text -> rebound text
}

// q rebinds "?" placeholders to "$n" for PostgreSQL, caching the result.
func (d *dialect) q(query string) string {
	if d.engine != Postgres {
		return query
	}
	if v, ok := d.rebinds.Load(query); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	out := b.String()
	d.rebinds.Store(query, out)
	return out
}

// forUpdate is the row-locking suffix for a SELECT inside a write batch.
func (d *dialect) forUpdate() string {
	if d.engine == Postgres {
		return " FOR UPDATE"
	}
	return "" // SQLite has one writer; the write transaction already excludes others
}

// forShare is the shared row-lock suffix for a SELECT inside a write batch.
func (d *dialect) forShare() string {
	if d.engine == Postgres {
		return " FOR SHARE"
	}
	return ""
}
