package httpapi

import (
	"net/http"
	"testing"
)

// TestClientIP: the peer's address, unless the peer is a trusted proxy;
// then the nearest untrusted hop of X-Forwarded-For, read from the right,
// so that a client cannot name itself someone else by writing on the left.
func TestClientIP(t *testing.T) {
	proxies, err := ParseTrustedProxies([]string{"10.0.0.0/8", "::1", " 192.0.2.7 "})
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{opts: Options{TrustedProxies: proxies}}
	for _, c := range []struct {
		peer string
		xff  []string
		want string
	}{
		{"203.0.113.9:4000", nil, "203.0.113.9"},
		{"203.0.113.9:4000", []string{"198.51.100.1"}, "203.0.113.9"}, // an untrusted peer's header is ignored
		{"10.1.2.3:4000", nil, "10.1.2.3"},
		{"10.1.2.3:4000", []string{"198.51.100.1"}, "198.51.100.1"},
		{"10.1.2.3:4000", []string{"1.1.1.1, 198.51.100.1, 10.9.9.9"}, "198.51.100.1"}, // spoofed left, proxy chain right
		{"10.1.2.3:4000", []string{"1.1.1.1", "198.51.100.1"}, "198.51.100.1"},         // two header lines
		{"[::1]:4000", []string{"[2001:db8::5]:1234"}, "2001:db8::5"},
		{"192.0.2.7:80", []string{"::ffff:198.51.100.2"}, "198.51.100.2"},
		{"10.1.2.3:4000", []string{"198.51.100.1, garbage"}, "10.1.2.3"}, // a malformed hop: the proxy answers for it
		{"10.1.2.3:4000", []string{"10.4.4.4"}, "10.4.4.4"},              // every hop trusted: the farthest
	} {
		r := &http.Request{RemoteAddr: c.peer, Header: http.Header{}}
		for _, v := range c.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := s.clientIP(r); got != c.want {
			t.Errorf("peer %s, X-Forwarded-For %q: %s, want %s", c.peer, c.xff, got, c.want)
		}
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.internal", "10.0.0"} {
		if _, err := ParseTrustedProxies([]string{bad}); err == nil {
			t.Errorf("%q accepted as a trusted proxy", bad)
		}
	}
}
