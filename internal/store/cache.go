package store

import (
	"container/list"
	"sync"

	"custodia/internal/vault"
)

// recordCache keeps recently written or read records (ciphertext rows, as
// stored: never plaintext) and complete blind-index result lists in memory.
//
// Why: in WAL mode every commit, including the audit appends that reads
// cause, resets each SQLite reader connection's page cache, so without this
// every lookup re-reads its B-tree pages. It is used only on SQLite, where
// this process's writer is the only writer: every change passes through
// invalidate before it is acknowledged.
//
// Races: a reader notes the generation before reading the database and
// fills the cache only if no invalidation happened since, so a row read
// before a concurrent update commits is never installed after it.
type recordCache struct {
	mu    sync.Mutex
	max   int
	gen   uint64
	ll    *list.List               // LRU of *cachedRecord
	byID  map[string]*list.Element // record id -> element
	byKey map[string][]string      // index key -> ids of ALL records with it
}

type cachedRecord struct {
	rec  vault.StoredRecord
	keys []string // index keys whose lists name this record
}

func newRecordCache(max int) *recordCache {
	if max <= 0 {
		return nil
	}
	return &recordCache{max: max, ll: list.New(), byID: map[string]*list.Element{}, byKey: map[string][]string{}}
}

func indexKey(collection, field string, mac []byte) string {
	return collection + "\x00" + field + "\x00" + string(mac)
}

// generation returns the current generation, to pass to fill later.
func (c *recordCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// get returns a cached record of the collection.
func (c *recordCache) get(collection, id string) (vault.StoredRecord, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byID[id]
	if !ok || e.Value.(*cachedRecord).rec.Collection != collection {
		return vault.StoredRecord{}, false
	}
	c.ll.MoveToFront(e)
	return e.Value.(*cachedRecord).rec, true
}

// lookup returns the complete cached result for an index key.
func (c *recordCache) lookup(key string) ([]vault.StoredRecord, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ids, ok := c.byKey[key]
	if !ok {
		return nil, false
	}
	out := make([]vault.StoredRecord, 0, len(ids))
	for _, id := range ids {
		e := c.byID[id]
		c.ll.MoveToFront(e)
		out = append(out, e.Value.(*cachedRecord).rec)
	}
	return out, true
}

// fill installs rows read from the database at generation gen and, with
// key set, the complete list of records having that index key.
func (c *recordCache) fill(gen uint64, key string, rows []vault.StoredRecord) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	c.install(key, rows)
}

func (c *recordCache) install(key string, rows []vault.StoredRecord) {
	ids := make([]string, 0, len(rows))
	for _, r := range rows {
		if e, ok := c.byID[r.ID]; ok {
			e.Value.(*cachedRecord).rec = r
			c.ll.MoveToFront(e)
		} else {
			c.byID[r.ID] = c.ll.PushFront(&cachedRecord{rec: r})
		}
		ids = append(ids, r.ID)
	}
	if key != "" && len(rows) > 0 {
		c.byKey[key] = ids
		for _, id := range ids {
			cr := c.byID[id].Value.(*cachedRecord)
			cr.keys = append(cr.keys, key)
		}
	}
	for c.ll.Len() > c.max {
		c.removeLocked(c.ll.Back().Value.(*cachedRecord).rec.ID)
	}
}

// removeLocked drops a record and every index list naming it.
func (c *recordCache) removeLocked(id string) {
	e, ok := c.byID[id]
	if !ok {
		return
	}
	for _, k := range e.Value.(*cachedRecord).keys {
		c.dropKeyLocked(k)
	}
	c.ll.Remove(e)
	delete(c.byID, id)
}

func (c *recordCache) dropKeyLocked(key string) {
	ids := c.byKey[key]
	delete(c.byKey, key)
	for _, id := range ids {
		if e, ok := c.byID[id]; ok {
			cr := e.Value.(*cachedRecord)
			for i, k := range cr.keys {
				if k == key {
					cr.keys = append(cr.keys[:i], cr.keys[i+1:]...)
					break
				}
			}
		}
	}
}

// invalidate forgets records and index keys after a committed change.
func (c *recordCache) invalidate(ids []string, keys []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for _, id := range ids {
		c.removeLocked(id)
	}
	for _, k := range keys {
		c.dropKeyLocked(k)
	}
}

// created installs a just-committed record: unique keys get their
// one-record list; non-unique keys' lists are dropped, since they now miss
// this record.
func (c *recordCache) created(r vault.StoredRecord, idx []vault.IndexEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	var unique []string
	for _, ie := range idx {
		k := indexKey(r.Collection, ie.Field, ie.MAC)
		if ie.Unique {
			unique = append(unique, k)
		} else {
			c.dropKeyLocked(k)
		}
	}
	c.install("", []vault.StoredRecord{r})
	for _, k := range unique {
		c.byKey[k] = []string{r.ID}
		cr := c.byID[r.ID].Value.(*cachedRecord)
		cr.keys = append(cr.keys, k)
	}
}

// clear forgets everything (erasure, key re-wrap, restore).
func (c *recordCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.ll.Init()
	clear(c.byID)
	clear(c.byKey)
}
