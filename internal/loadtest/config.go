// Package loadtest is the engine of "custodia bench": it drives a running
// custodia server over its HTTP JSON API, first creating synthetic customers
// and then looking them up by e-mail, and reports throughput, latency
// percentiles and errors for each phase.
//
// The generated customers are valid for a strict server (unique e-mails per
// run, E.164 phone numbers that libphonenumber accepts, plain ASCII names and
// addresses) and never contain real personal data; error samples in the
// results hold only HTTP status codes and problem codes, never bodies.
package loadtest

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults applied by Run to zero-valued Config fields.
const (
	// DefaultClients is the number of concurrent clients when Config.Clients is 0.
	DefaultClients = 32
	// DefaultRecords is the number of customers created when Config.Records is 0.
	DefaultRecords = 10000
	// DefaultCollection is the collection used when Config.Collection is empty.
	DefaultCollection = "bench_customers"
	// DefaultPurpose is the purpose of use sent when Config.Purpose is empty.
	DefaultPurpose = "support"
	// RequestTimeout bounds every single HTTP request Run makes.
	RequestTimeout = 30 * time.Second
)

// Config is one load run.
type Config struct {
	// URL is the server's base URL, e.g. http://127.0.0.1:8750.
	URL string
	// Token is the bearer token sent in the Authorization header.
	Token string
	// Clients is the number of concurrent clients (goroutines); default 32.
	Clients int
	// Records is the number of customers to create; default 10000.
	Records int
	// Reads is the number of lookups by e-mail made after the creates;
	// 0 means 2*Records.
	Reads int
	// Collection is the collection the customers go to; default "bench_customers".
	Collection string
	// Purpose is the purpose of use sent with every record call; default "support".
	Purpose string
	// Duration optionally caps each phase; 0 means no cap.
	Duration time.Duration
	// HTTPClient is the client used for all calls. When nil, Run uses its
	// own lean HTTP/1.1 client for an http:// URL (so that the load client
	// takes as little as possible of the CPU it shares with a local server)
	// and, for https://, a net/http client whose Transport allows Clients
	// connections to the server (idle and active). Every request is bounded
	// by RequestTimeout whichever client is used.
	HTTPClient *http.Client
}

// normalize returns cfg with defaults applied, or an error when cfg cannot
// be run.
func (cfg Config) normalize() (Config, error) {
	if cfg.URL == "" {
		return cfg, errors.New("loadtest: URL is required")
	}
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return cfg, fmt.Errorf("loadtest: invalid URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return cfg, fmt.Errorf("loadtest: invalid URL %q: want http(s)://host[:port]", cfg.URL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return cfg, fmt.Errorf("loadtest: invalid URL %q: no query or fragment allowed", cfg.URL)
	}
	cfg.URL = strings.TrimRight(cfg.URL, "/")
	if cfg.Token == "" {
		return cfg, errors.New("loadtest: token is required")
	}
	if cfg.Clients < 0 || cfg.Records < 0 || cfg.Reads < 0 || cfg.Duration < 0 {
		return cfg, errors.New("loadtest: clients, records, reads and duration must not be negative")
	}
	if cfg.Clients == 0 {
		cfg.Clients = DefaultClients
	}
	if cfg.Records == 0 {
		cfg.Records = DefaultRecords
	}
	if cfg.Reads == 0 {
		cfg.Reads = 2 * cfg.Records
	}
	if cfg.Collection == "" {
		cfg.Collection = DefaultCollection
	}
	if cfg.Purpose == "" {
		cfg.Purpose = DefaultPurpose
	}
	return cfg, nil
}

// defaultHTTPClient builds the client used when Config.HTTPClient is nil.
func defaultHTTPClient(clients int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = clients
	t.MaxConnsPerHost = clients
	if t.MaxIdleConns != 0 && t.MaxIdleConns < clients {
		t.MaxIdleConns = clients
	}
	return &http.Client{Transport: t}
}
