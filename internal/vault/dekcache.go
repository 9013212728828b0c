package vault

import (
	"container/list"
	"sync"

	"custodia/internal/keys"
)

// cipherCache keeps unwrapped subject ciphers for recently used subjects, so
// a read does not unwrap the DEK every time. It is bounded (least recently
// used entries go first) and erasure evicts at once.
type cipherCache struct {
	mu    sync.Mutex
	max   int
	ll    *list.List
	items map[string]*list.Element
}

type cacheItem struct {
	subject string
	c       *keys.FieldCipher
}

func newCipherCache(max int) *cipherCache {
	return &cipherCache{max: max, ll: list.New(), items: map[string]*list.Element{}}
}

func (c *cipherCache) get(subject string) (*keys.FieldCipher, bool) {
	if c.max <= 0 {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[subject]; ok {
		c.ll.MoveToFront(e)
		return e.Value.(*cacheItem).c, true
	}
	return nil, false
}

func (c *cipherCache) put(subject string, fc *keys.FieldCipher) {
	if c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[subject]; ok {
		e.Value.(*cacheItem).c = fc
		c.ll.MoveToFront(e)
		return
	}
	c.items[subject] = c.ll.PushFront(&cacheItem{subject, fc})
	for c.ll.Len() > c.max {
		last := c.ll.Back()
		c.ll.Remove(last)
		delete(c.items, last.Value.(*cacheItem).subject)
	}
}

func (c *cipherCache) evict(subject string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[subject]; ok {
		c.ll.Remove(e)
		delete(c.items, subject)
	}
}
