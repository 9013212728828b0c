package detect

import (
	"testing"

	"custodia/internal/scan"
)

func TestIPAddress(t *testing.T) {
	runCases(t, []entityCase{
		{name: "private", text: "login from 192.168.1.10 failed", want: []string{"IP_ADDRESS=192.168.1.10"}},
		{name: "public", text: "8.8.8.8", want: []string{"IP_ADDRESS=8.8.8.8"}},
		{name: "with port", text: "203.0.113.7:8080", want: []string{"IP_ADDRESS=203.0.113.7"}},
		{name: "cidr host", text: "eth0 10.0.0.5/24", want: []string{"IP_ADDRESS=10.0.0.5"}},
		// A network or a netmask is no one's address (QA).
		{name: "cidr network", text: "subnet 10.0.0.0/24 and 172.16.0.0/12", not: []scan.Entity{scan.IPAddress}},
		{name: "netmask", text: "mask 255.255.255.0, 255.255.240.0", not: []scan.Entity{scan.IPAddress}},
		{name: "not a netmask", text: "peer 255.0.255.1", want: []string{"IP_ADDRESS=255.0.255.1"}},
		{name: "kernel version", text: "Agent version 4.12.0.1, kernel 5.15.0.101", not: []scan.Entity{scan.IPAddress}},
		{name: "labelled", text: "IP: 172.16.254.1", want: []string{"IP_ADDRESS=172.16.254.1"}},
		{name: "ipv6", text: "from 2001:db8::1 at", want: []string{"IP_ADDRESS=2001:db8::1"}},
		{name: "ipv6 full", text: "2001:0db8:85a3:0000:0000:8a2e:0370:7334", want: []string{"IP_ADDRESS=2001:0db8:85a3:0000:0000:8a2e:0370:7334"}},
		{name: "ipv6 link local", text: "addr fe80::1ff:fe23:4567:890a ok", want: []string{"IP_ADDRESS=fe80::1ff:fe23:4567:890a"}},
		{name: "ipv6 loopback", text: "(::1)", not: []scan.Entity{scan.IPAddress}},
		{name: "ipv6 unspecified", text: "listen [::]:80 and ::", not: []scan.Entity{scan.IPAddress}},
		{name: "ipv4 loopback", text: "bind 127.0.0.1:8750 or 127.8.9.10", not: []scan.Entity{scan.IPAddress}},
		{name: "ipv4 unspecified", text: "listen 0.0.0.0:80", not: []scan.Entity{scan.IPAddress}},
		{name: "ipv4 next to loopback", text: "128.0.0.1 and 12.7.0.1", want: []string{"IP_ADDRESS=128.0.0.1", "IP_ADDRESS=12.7.0.1"}},
		{name: "octet too big", text: "256.1.1.1", not: []scan.Entity{scan.IPAddress}},
		{name: "three groups", text: "version 1.2.3", not: []scan.Entity{scan.IPAddress}},
		{name: "version label", text: "version 1.2.3.4", not: []scan.Entity{scan.IPAddress}},
		{name: "v prefix", text: "v1.2.3.4", not: []scan.Entity{scan.IPAddress}},
		{name: "five groups", text: "1.2.3.4.5", not: []scan.Entity{scan.IPAddress}},
		{name: "leading zero", text: "01.2.3.4", not: []scan.Entity{scan.IPAddress}},
		{name: "dotted date", text: "12.03.1990", not: []scan.Entity{scan.IPAddress}},
		{name: "time", text: "at 12:30:45", not: []scan.Entity{scan.IPAddress}},
		{name: "mac", text: "00:1A:2B:3C:4D:5E", not: []scan.Entity{scan.IPAddress}},
		{name: "label then phone", text: "Phone:0912345678", want: []string{"PHONE_NUMBER=0912345678"}, not: []scan.Entity{scan.IPAddress}},
	})
}

func TestIPPreview(t *testing.T) {
	s := newTestScanner(Options{})
	for _, c := range []struct{ text, preview string }{
		{"192.168.1.10", "192.168.*.*"},
		{"2001:db8::1", "2001:****"},
	} {
		got := scanAll(t, s, c.text, "")
		if len(got) != 1 || got[0].Preview != c.preview {
			t.Errorf("%q: got %v, want %s", c.text, got, c.preview)
		}
	}
}
