// Package scanrun runs a scan: it walks the inputs with package source,
// runs the detectors of package detect over every unit on all cores, and
// gathers the findings, errors and summary of one report.
package scanrun

import (
	"context"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"

	"custodia/internal/scan"
	"custodia/internal/scan/dbsource"
	"custodia/internal/scan/detect"
	"custodia/internal/scan/source"
)

// Options select what to scan and what to report.
type Options struct {
	Include, Exclude []string
	MinConfidence    float64
	Workers          int // default: the number of CPUs
	// Progress, when set, is called now and then with the bytes scanned.
	Progress func(files int, bytes int64)
	// Sample is how many rows of each database table are read (default 1000).
	Sample int
}

// Finding is a detected value with its place. Never the value itself.
type Finding struct {
	Path   string `json:"path"`
	Line   int    `json:"line"`
	Column string `json:"column"` // "" for lines of text
	scan.Finding
}

// FileError is a file the scan could not read, and why.
type FileError struct {
	Path  string `json:"path"`
	Error string `json:"error"`
	// Skipped marks a path left out by rule (a symbolic link out of the
	// root, a cycle) rather than one that could not be read: it does not
	// make the scan fail.
	Skipped bool `json:"skipped,omitempty"`
	// Warning marks a file that was read in full, but not as it said it
	// was (a charset guessed, invalid JSON read as text): it does not make
	// the scan fail either.
	Warning bool `json:"warning,omitempty"`
}

// Failed reports whether any error is a failure to read, not a skip or a
// warning.
func (r Report) Failed() bool {
	for _, e := range r.Errors {
		if !e.Skipped && !e.Warning {
			return true
		}
	}
	return false
}

// Summary counts what a scan saw.
type Summary struct {
	// Files counts the files read; database tables are counted in Tables.
	Files int `json:"files"`
	// Tables counts the database tables, views and materialized views
	// sampled (those that could not be read are under errors).
	Tables int `json:"tables,omitempty"`
	// Databases counts the database URLs among the inputs.
	Databases int `json:"databases,omitempty"`
	// Bytes counts the text the detectors read: decoded lines and cells,
	// without delimiters, markup, MIME or UTF-16 overhead. It is not the
	// files' size on disk (a CSV file reads as less, a UTF-16 file as
	// about half).
	Bytes       int64               `json:"bytes"`
	Findings    int                 `json:"findings"`
	ByEntity    map[scan.Entity]int `json:"by_entity"`
	ByPath      map[string]int      `json:"by_path"`
	Seconds     float64             `json:"seconds"`
	MBPerSecond float64             `json:"mb_per_second"`
	// Columns classifies the sampled database columns that hold personal
	// data: every entity found in each, and in what share of its values.
	Columns []ColumnClass `json:"columns,omitempty"`
}

// ColumnClass is the classification of one database column. Entity,
// Category, Matches and Share are those of its main entity, the one found
// in most of its values; Entities lists every entity found in it, the main
// one first.
type ColumnClass struct {
	Database string `json:"database"`
	// Column is table.column (schema.table.column outside PostgreSQL's
	// public schema); a view's columns are view.column.
	Column string `json:"column"`
	// Kind is the relation's: "table", "view" or "materialized view".
	Kind     string        `json:"kind,omitempty"`
	Entity   scan.Entity   `json:"entity"`
	Category string        `json:"category"`
	Values   int           `json:"values_sampled"`
	Matches  int           `json:"values_matching"`
	Share    float64       `json:"share"`
	Entities []EntityShare `json:"entities"`
}

// EntityShare is one entity found in a column: how many of the sampled
// values hold at least one, and their share of the values sampled.
type EntityShare struct {
	Entity   scan.Entity `json:"entity"`
	Category string      `json:"category"`
	Matches  int         `json:"values_matching"`
	Share    float64     `json:"share"`
}

// Report is the summary and the unreadable files of one scan; the
// findings go to the sink as they are found, so memory stays flat
// whatever the number of findings.
type Report struct {
	Summary Summary     `json:"summary"`
	Errors  []FileError `json:"errors"`
}

// batch is a run of units copied out of the walk, for a worker.
type batch struct {
	seq      int
	buf      []byte
	units    []unitRef
	findings []Finding
}

// unitKey names one unit of a database: its value's place.
type unitKey struct {
	path, column string
	line         int
}

type unitRef struct {
	path, column, hint string
	line               int
	start, end         int
}

const batchBytes = 256 << 10

// Run scans roots and calls sink with every finding, in the order of the
// files and lines read (sink runs on one goroutine at a time).
func Run(ctx context.Context, roots []string, opts Options, sink func(Finding)) (Report, error) {
	start := time.Now()
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	det := detect.New(detect.Options{MinConfidence: opts.MinConfidence})
	// Column names are masked with every detector, whatever the minimum
	// confidence asked for the findings.
	columns := newColumnMasker(detect.New(detect.Options{}))
	filePaths := newPathMasker(detect.New(detect.Options{}))
	rep := Report{Errors: []FileError{}, Summary: Summary{ByEntity: map[scan.Entity]int{}, ByPath: map[string]int{}}}
	type colKey struct{ db, column string }
	type colInfo struct {
		values int
		kind   string
	}
	colValues := map[colKey]*colInfo{}
	type colEntity struct {
		colKey
		entity scan.Entity
	}
	colHits := map[colEntity]int{}
	colCategory := map[scan.Entity]string{}
	dbs := map[string]bool{}
	var paths []string
	for _, r := range roots {
		if dbsource.IsURL(r) {
			dbs[dbsource.Redact(r)] = true
		} else {
			paths = append(paths, r)
		}
	}
	var errMu sync.Mutex
	work := make(chan *batch, workers*2)
	done := make(chan *batch, workers*2)
	// Batches circulate through a free list rather than a sync.Pool, which
	// the garbage collector empties: a batch keeps its buffers for the
	// whole run, so the steady state allocates nothing per unit.
	free := make(chan *batch, workers*4+2)
	getBatch := func() *batch {
		select {
		case b := <-free:
			return b
		default:
			return &batch{buf: make([]byte, 0, batchBytes), units: make([]unitRef, 0, batchBytes/32), findings: make([]Finding, 0, batchBytes/64)}
		}
	}
	putBatch := func(b *batch) {
		b.buf, b.units, b.findings = b.buf[:0], b.units[:0], b.findings[:0]
		select {
		case free <- b:
		default:
		}
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			ss := det.NewSession()
			var b *batch
			var u *unitRef
			add := func(f scan.Finding) {
				b.findings = append(b.findings, Finding{Path: u.path, Line: u.line, Column: u.column, Finding: f})
			}
			for b = range work {
				for k := range b.units {
					u = &b.units[k]
					ss.Scan(b.buf[u.start:u.end], u.hint, add)
				}
				done <- b
			}
		})
	}
	// The collector hands findings to the sink in batch order; at most
	// 2*workers batches wait, so memory is bounded.
	collected := make(chan struct{})
	go func() {
		defer close(collected)
		next, waiting := 0, map[int]*batch{}
		// A column counts the values holding an entity, not the findings:
		// the findings of one value (one unit) come one after the other.
		var lastUnit unitKey
		var unitEntities []scan.Entity
		for b := range done {
			waiting[b.seq] = b
			for {
				nb, ok := waiting[next]
				if !ok {
					break
				}
				delete(waiting, next)
				next++
				for _, f := range nb.findings {
					if dbs[f.Path] {
						if k := (unitKey{f.Path, f.Column, f.Line}); k != lastUnit {
							lastUnit, unitEntities = k, unitEntities[:0]
						}
						if !slices.Contains(unitEntities, f.Entity) {
							unitEntities = append(unitEntities, f.Entity)
							colHits[colEntity{colKey{f.Path, f.Column}, f.Entity}]++
						}
						colCategory[f.Entity] = f.Category
					}
					rep.Summary.ByEntity[f.Entity]++
					rep.Summary.ByPath[f.Path]++
					rep.Summary.Findings++
					if sink != nil {
						sink(f)
					}
				}
				putBatch(nb)
			}
		}
	}()
	seq := 0
	cur := getBatch()
	var files, tables int
	var bytes int64
	lastPath := ""
	relKind := ""
	send := func() {
		if len(cur.units) > 0 {
			cur.seq = seq
			seq++
			work <- cur
			cur = getBatch()
		}
	}
	onUnit := func(u source.Unit) error {
		isDB := dbs[u.Path]
		if u.Path != lastPath {
			if !isDB {
				files++
			}
			lastPath = u.Path
		}
		bytes += int64(len(u.Text))
		if len(cur.buf)+len(u.Text) > batchBytes && len(cur.units) > 0 {
			send()
			if opts.Progress != nil {
				opts.Progress(files, bytes)
			}
		}
		s := len(cur.buf)
		cur.buf = append(cur.buf, u.Text...)
		shown := u.Path
		if !isDB {
			shown = filePaths.mask(u.Path)
		}
		cur.units = append(cur.units, unitRef{path: shown, column: columns.mask(u.Column), hint: u.Hint, line: u.Line, start: s, end: len(cur.buf)})
		if isDB {
			k := colKey{u.Path, u.Column}
			ci := colValues[k]
			if ci == nil {
				ci = &colInfo{kind: relKind}
				colValues[k] = ci
			}
			ci.values++
		}
		return nil
	}
	onErr := func(fe source.FileError) {
		errMu.Lock()
		path := fe.Path
		if !dbs[path] {
			path = filePaths.mask(path)
		}
		rep.Errors = append(rep.Errors, FileError{Path: path, Error: fe.Reason, Skipped: fe.Skipped, Warning: fe.Warning})
		errMu.Unlock()
	}
	var err error
	if len(paths) > 0 {
		err = source.Walk(ctx, paths, source.Options{Include: opts.Include, Exclude: opts.Exclude}, onUnit, onErr)
	}
	sample := opts.Sample
	if sample <= 0 {
		sample = 1000
	}
	for _, r := range roots {
		if err != nil || !dbsource.IsURL(r) {
			continue
		}
		name := dbsource.Redact(r)
		derr := dbsource.Sample(ctx, r, sample, dbsource.Handler{
			Unit: onUnit,
			Relation: func(rel dbsource.Relation) {
				relKind = rel.Kind
				tables++
			},
			Error: func(rel dbsource.Relation, err error) {
				tables--
				onErr(source.FileError{Path: name + "#" + rel.String(), Reason: "cannot read " + rel.Kind + ": " + err.Error()})
			},
		})
		if derr != nil {
			onErr(source.FileError{Path: name, Reason: derr.Error()})
		}
	}
	send()
	close(work)
	wg.Wait()
	close(done)
	<-collected
	if opts.Progress != nil {
		opts.Progress(files, bytes)
	}
	rep.Summary.Files, rep.Summary.Tables, rep.Summary.Databases, rep.Summary.Bytes = files, tables, len(dbs), bytes
	cols := map[colKey]*ColumnClass{}
	for k, n := range colHits {
		c := cols[k.colKey]
		if c == nil {
			c = &ColumnClass{Database: k.db, Column: k.column}
			if ci := colValues[k.colKey]; ci != nil {
				c.Values, c.Kind = ci.values, ci.kind
			}
			cols[k.colKey] = c
		}
		e := EntityShare{Entity: k.entity, Category: colCategory[k.entity], Matches: n}
		if c.Values > 0 {
			e.Share = float64(n) / float64(c.Values)
		}
		c.Entities = append(c.Entities, e)
	}
	for _, c := range cols {
		sort.Slice(c.Entities, func(i, j int) bool {
			a, b := c.Entities[i], c.Entities[j]
			if a.Matches != b.Matches {
				return a.Matches > b.Matches
			}
			return a.Entity < b.Entity
		})
		top := c.Entities[0]
		c.Entity, c.Category, c.Matches, c.Share = top.Entity, top.Category, top.Matches, top.Share
		rep.Summary.Columns = append(rep.Summary.Columns, *c)
	}
	sort.Slice(rep.Summary.Columns, func(i, j int) bool {
		a, b := rep.Summary.Columns[i], rep.Summary.Columns[j]
		if a.Database != b.Database {
			return a.Database < b.Database
		}
		return a.Column < b.Column
	})
	rep.Summary.Seconds = time.Since(start).Seconds()
	if rep.Summary.Seconds > 0 {
		rep.Summary.MBPerSecond = float64(bytes) / 1e6 / rep.Summary.Seconds
	}
	return rep, err
}
