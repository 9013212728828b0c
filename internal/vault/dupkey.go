package vault

import (
	"bytes"
	"encoding/json"
)

// DuplicateKey returns the first member name that an object of the JSON
// document b holds twice, at any depth; ok is false when there is none.
// It only looks for repeated names: a document that is not valid JSON is
// left to the decoder to report. encoding/json keeps the last of two
// members silently, so a body naming a field twice would store a value
// its sender may not have meant. It is a byte scan, without allocations
// for names without escapes: it runs on every record body.
func DuplicateKey(b []byte) (name string, ok bool) {
	var stack []objectFrame
	for i := 0; i < len(b); {
		switch b[i] {
		case '{':
			stack = append(stack, objectFrame{object: true, expectKey: true})
		case '[':
			stack = append(stack, objectFrame{})
		case '}', ']':
			if len(stack) == 0 {
				return "", false
			}
			stack = stack[:len(stack)-1]
		case ',':
			if n := len(stack); n > 0 && stack[n-1].object {
				stack[n-1].expectKey = true
			}
		case '"':
			end := stringEnd(b, i)
			if end < 0 {
				return "", false
			}
			if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].expectKey {
				key := b[i+1 : end]
				if bytes.IndexByte(key, '\\') >= 0 {
					var s string
					if json.Unmarshal(b[i:end+1], &s) != nil {
						return "", false
					}
					key = []byte(s)
				}
				if stack[n-1].seen(key) {
					return string(key), true
				}
				stack[n-1].expectKey = false
			}
			i = end + 1
			continue
		}
		i++
	}
	return "", false
}

// objectFrame is an open object or array of DuplicateKey's scan.
type objectFrame struct {
	object, expectKey bool
	keys              [][]byte            // the names seen, while few
	many              map[string]struct{} // the names seen, once many
}

// seen records key and reports whether the object held it already.
func (f *objectFrame) seen(key []byte) bool {
	if f.many != nil {
		if _, dup := f.many[string(key)]; dup {
			return true
		}
		f.many[string(key)] = struct{}{}
		return false
	}
	for _, k := range f.keys {
		if bytes.Equal(k, key) {
			return true
		}
	}
	f.keys = append(f.keys, key)
	if len(f.keys) > 32 {
		f.many = make(map[string]struct{}, 2*len(f.keys))
		for _, k := range f.keys {
			f.many[string(k)] = struct{}{}
		}
		f.keys = nil
	}
	return false
}

// stringEnd returns the index of the quote closing the string that opens
// at b[start], or -1 when it is not closed.
func stringEnd(b []byte, start int) int {
	for i := start + 1; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}
