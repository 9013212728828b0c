// Package app wires Custodia's parts into one running program: the key
// file, the database, the services and the HTTP server. The CLI's serve
// command and the end-to-end tests both start it through Open and Serve.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"custodia/internal/access"
	"custodia/internal/apperr"
	"custodia/internal/auth"
	"custodia/internal/cleanup"
	"custodia/internal/consent"
	"custodia/internal/console"
	"custodia/internal/detect"
	"custodia/internal/dlp"
	"custodia/internal/dsr"
	"custodia/internal/httpapi"
	"custodia/internal/importer"
	"custodia/internal/incidents"
	"custodia/internal/keys"
	"custodia/internal/retention"
	"custodia/internal/store"
	"custodia/internal/vault"
)

// Config is everything the server needs.
type Config struct {
	Addr           string // listen address, e.g. 127.0.0.1:8750
	DataDir        string // SQLite database and, by default, the key file
	DatabaseURL    string // postgres://...; empty means embedded SQLite
	KeyFile        string // default DataDir/custodia.key
	BootstrapToken string // first admin token; random when empty
	DefaultRegion  string // phone region for numbers without "+"
	MaxBodyBytes   int64
	ShutdownGrace  time.Duration
	SessionTTL     time.Duration // how long a sign-in lasts (default 12h)
	// LoginMaxFailures failed sign-ins within LoginWindow lock an account
	// or address out (defaults 5 and 15 minutes).
	LoginMaxFailures int
	LoginWindow      time.Duration
	// BulkReadThreshold distinct subjects read by one principal within
	// BulkReadWindow raise an alert (defaults 1000 and 10 minutes; a
	// negative threshold disables the detector).
	BulkReadThreshold int
	BulkReadWindow    time.Duration
	// LookupMissThreshold distinct lookups matching no one, by one
	// principal within BulkReadWindow, raise an alert (default 100; a
	// negative value disables it).
	LookupMissThreshold int
	// TrustedProxies are the reverse proxies (addresses and CIDR ranges)
	// whose X-Forwarded-For names the client for the address lockouts.
	TrustedProxies []string
	BlockBulkReads bool   // also block the principal until the alert is cleared
	AlertWebhook   string // URL that receives alerts as JSON
	// ExportApprovalRecords is the size from which a CSV export waits for
	// a second person (500 when 0; negative: sensitive categories only).
	ExportApprovalRecords int
	// Controller names the organisation in the record of processing
	// activities.
	Controller string
	// TimeZone is the zone request deadlines are counted in (IANA name,
	// default UTC): a deadline ends at midnight there.
	TimeZone string
	// RetentionEvery is how often the server applies retention rules
	// (default 1h; negative disables the scheduler).
	RetentionEvery time.Duration
	// RequestRulesFile replaces the built-in deadline rules table (YAML, the
	// format of internal/legalclock/rules.yaml); HolidayFiles add holidays
	// to the calendars.
	RequestRulesFile string
	HolidayFiles     []string
	// DLPPolicyFile replaces the default policy of POST /v1/dlp/check
	// (YAML, see package dlp).
	DLPPolicyFile string
	// ConsoleSecureCookies marks the console's cookies Secure on plain
	// HTTP too, for a server behind a proxy that terminates TLS.
	ConsoleSecureCookies bool
	// ImportDirs are the directories POST /v1/imports may read files from
	// by path (none: only uploads); ImportMaxBytes limits an uploaded file
	// (1 GiB when 0). Uploads wait in DataDir/imports-spool.
	ImportDirs     []string
	ImportMaxBytes int64
}

// KeyFilePath returns the key file path the config selects.
func (c Config) KeyFilePath() string {
	if c.KeyFile != "" {
		return c.KeyFile
	}
	return filepath.Join(c.DataDir, "custodia.key")
}

// App is one running Custodia.
type App struct {
	Config Config
	Keys   *keys.Keyring
	DB     *store.DB
	Vault  *vault.Service
	Tokens *auth.Service
	Access *access.Engine
	Ledger *consent.Ledger
	// Requests runs data-subject requests.
	Requests *dsr.Service
	// Retention applies retention rules (scheduled by Serve).
	Retention *retention.Engine
	// Importer runs the import jobs of POST /v1/imports; set its Trail to
	// link jobs to the data map.
	Importer *importer.Importer
	API      *httpapi.Server
	// Console is the web console at /console/, over API.
	Console *console.Console
	// NewAdminToken is the admin token generated on first start, to be
	// shown once; empty otherwise (or when a bootstrap token was given).
	NewAdminToken string
	// KeyFileCreated reports whether this start created the key file.
	KeyFileCreated bool

	unlock func()
}

// ErrDataDirInUse refuses a second server on one SQLite data directory.
var ErrDataDirInUse = errors.New("another custodia server is using this data directory: run one server per SQLite database (for several replicas, use PostgreSQL with --database-url)")

// Open loads or creates the key file, opens and migrates the database,
// builds the services, and makes sure an admin token exists. On SQLite it
// refuses to open a data directory another server is using
// (ErrDataDirInUse).
func Open(ctx context.Context, cfg Config) (*App, error) {
	if cfg.DataDir == "" {
		cfg.DataDir = "custodia-data"
	}
	// Checked before anything is created: a refused start leaves no data
	// directory, key file or database behind.
	if cfg.BootstrapToken != "" && len(cfg.BootstrapToken) < auth.MinBootstrapTokenLen {
		return nil, apperr.Newf(apperr.Invalid, "weak_bootstrap_token", "the bootstrap token must be at least %d characters", auth.MinBootstrapTokenLen)
	}
	var dlpPolicy *dlp.Policy // the default when nil
	if cfg.DLPPolicyFile != "" {
		var err error
		if dlpPolicy, err = dlp.LoadFile(cfg.DLPPolicyFile); err != nil {
			return nil, fmt.Errorf("dlp policy %s: %w", cfg.DLPPolicyFile, err)
		}
	}
	kr, created, err := keys.Open(cfg.KeyFilePath(), true)
	if err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	if fi, err := os.Stat(cfg.KeyFilePath()); err == nil && fi.Mode().Perm()&0o077 != 0 {
		// Created 0600; someone widened it. Warn rather than refuse, so a
		// restart after a careless copy still serves.
		slog.Warn("the key file can be read by other users of this machine: restrict it with chmod 600", "path", cfg.KeyFilePath(), "mode", fi.Mode().Perm().String())
	}
	unlock, err := keys.Lock(cfg.KeyFilePath(), false)
	if err != nil {
		return nil, err
	}
	if cfg.DatabaseURL == "" {
		// One server per SQLite database: a second one beside it would
		// serve from caches the first one's writes never reach (a person
		// erased through one still read through the other).
		release, err := keys.LockExclusive(filepath.Join(cfg.DataDir, store.SQLiteFile+".serve"))
		if errors.Is(err, keys.ErrLocked) {
			unlock()
			return nil, ErrDataDirInUse
		}
		if err != nil {
			unlock()
			return nil, err
		}
		keyUnlock := unlock
		unlock = func() { release(); keyUnlock() }
	}
	db, err := store.Open(ctx, store.Config{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir, AuditKey: kr.Derived().AuditChain})
	if err != nil {
		unlock()
		return nil, KeyFileRefused(err, cfg.KeyFilePath(), created)
	}
	// Servers share the database; an offline restore or rotation excludes them.
	if unlock, err = db.LockDatabaseOrClose(ctx, false, unlock); err != nil {
		return nil, err
	}
	a := &App{Config: cfg, Keys: kr, DB: db, KeyFileCreated: created, unlock: unlock}
	if err := AgreeOnKEK(ctx, kr, db); err != nil {
		a.Close()
		return nil, err
	}
	if err := db.SeedPurposes(ctx, access.DefaultPurposes(), time.Now().UTC()); err != nil {
		a.Close()
		return nil, err
	}
	a.Access = access.NewEngine(db)
	// Other replicas may set a restriction or objection: read them live.
	a.Access.LiveLimits = db.Engine() == store.Postgres
	a.Vault = vault.New(db, kr, vault.Options{DefaultRegion: cfg.DefaultRegion})
	a.Vault.Policy = a.Access
	// A legal hold keeps a subject's records, or a collection's, as they
	// are: erasure, retention, DELETE and PATCH of a record are refused.
	a.Vault.HoldGuard = func(ctx context.Context, subjectID, collection string) error {
		return httpapi.CheckHold(ctx, db.ListHolds, subjectID, []string{collection})
	}
	a.Vault.PurposeRegistered = func(ctx context.Context, name string) (bool, error) {
		_, ok, err := a.Access.Purpose(ctx, name)
		return ok, err
	}
	a.Tokens = auth.NewService(db, kr.Derived().Token, kr.Derived().Account, a.Access)
	// Another replica may end a session: read sessions live there.
	a.Tokens.LiveSessions = db.Engine() == store.Postgres
	if cfg.SessionTTL > 0 {
		a.Tokens.SessionTTL = cfg.SessionTTL
	}
	a.Ledger = consent.NewLedger(db, kr.Derived().Token, func(ctx context.Context, name string) (bool, error) {
		_, ok, err := a.Access.Purpose(ctx, name)
		return ok, err
	})
	loc := time.UTC
	if cfg.TimeZone != "" {
		if loc, err = time.LoadLocation(cfg.TimeZone); err != nil {
			a.Close()
			return nil, fmt.Errorf("time zone %q: %w", cfg.TimeZone, err)
		}
	}
	rules, err := loadClockTable(cfg.RequestRulesFile, cfg.HolidayFiles)
	if err != nil {
		a.Close()
		return nil, err
	}
	a.Requests = dsr.NewService(db, legalClock{t: rules, loc: loc}, dsrActions{a}, kr.Derived().Token)
	a.Retention = retention.NewEngine(db, a.Vault, db.RecordFieldDeletion)
	a.Retention.Lock = func(ctx context.Context) (func(), bool, error) { return db.TryLock(ctx, RetentionLockKey) }
	a.Importer = importer.New(a.Vault, db, a.Ledger)
	a.Importer.Trail = cleanup.NewTrail(db)
	breach, err := incidents.Default().With(rules, loc)
	if err != nil {
		a.Close()
		return nil, err
	}
	proxies, err := httpapi.ParseTrustedProxies(cfg.TrustedProxies)
	if err != nil {
		a.Close()
		return nil, fmt.Errorf("trusted proxies: %w", err)
	}
	a.API, err = httpapi.New(httpapi.Deps{Vault: a.Vault, Auth: a.Tokens, Access: a.Access, Ledger: a.Ledger, DB: db, Keyring: kr,
		Requests: a.Requests, Exporter: dsrActions{a}, Retention: a.Retention, Breach: breach, Importer: a.Importer},
		httpapi.Options{MaxBodyBytes: cfg.MaxBodyBytes, AlertWebhook: cfg.AlertWebhook, BlockBulkReads: cfg.BlockBulkReads, ExportApprovalRecords: cfg.ExportApprovalRecords, Controller: cfg.Controller, DLPPolicy: dlpPolicy,
			ImportDirs: cfg.ImportDirs, ImportMaxBytes: cfg.ImportMaxBytes, ImportSpoolDir: filepath.Join(cfg.DataDir, "imports-spool"),
			LoginGuard:   detect.LoginGuardConfig{MaxFailures: cfg.LoginMaxFailures, Window: cfg.LoginWindow},
			BulkRead:     detect.BulkReadConfig{Threshold: cfg.BulkReadThreshold, Window: cfg.BulkReadWindow},
			LookupMisses: detect.BulkReadConfig{Threshold: cfg.LookupMissThreshold, Window: cfg.BulkReadWindow}, TrustedProxies: proxies})
	if err != nil {
		a.Close()
		return nil, err
	}
	// A writer that found the audit chain's head without a valid seal has
	// recorded it in the chain; it is also an alert (QA: it was not).
	api := a.API
	db.OnHeadInvalid(func(entry int64) {
		api.RaiseAlert(context.Background(), detect.Alert{Kind: detect.KindAuditChain, Severity: detect.SeverityCritical, Principal: "system:audit",
			Message: "the audit chain head had no valid seal: entries after it may have been deleted or the head moved back; recorded in the chain",
			Data:    map[string]string{"entry": strconv.FormatInt(entry, 10)}})
	})
	a.Console, err = console.New(a.API, console.Options{CSRFKey: kr.Derived().Console, Location: loc, SecureCookies: cfg.ConsoleSecureCookies})
	if err != nil {
		a.Close()
		return nil, err
	}
	secret, err := a.Tokens.Bootstrap(ctx, cfg.BootstrapToken)
	if err != nil {
		a.Close()
		return nil, fmt.Errorf("bootstrap admin token: %w", err)
	}
	if cfg.BootstrapToken == "" {
		a.NewAdminToken = secret
	} else if secret == "" {
		if _, err := a.Tokens.Authenticate(ctx, "Bearer "+cfg.BootstrapToken); err != nil {
			slog.Warn("--bootstrap-token ignored: tokens already exist and it is not one of them (it only seeds an empty database)")
		}
	}
	return a, nil
}

// Serve answers HTTP on ln until ctx ends, then stops accepting, drains
// in-flight requests (up to ShutdownGrace) and returns.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(slog.Default().Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	bg, stopBG := context.WithCancel(context.Background())
	defer stopBG()
	go a.watchOverdue(bg)
	go a.scheduleRetention(bg)
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	grace := a.Config.ShutdownGrace
	if grace <= 0 {
		grace = 30 * time.Second
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	// Import jobs run past their requests: cancel them first and wait
	// for them to store their state (interrupted; posting the job again
	// resumes it), while the server still answers; then drain requests.
	a.API.StopImports(sctx)
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("drain requests: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// Handler answers HTTP: the console under /console/, the API elsewhere.
func (a *App) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/console/", a.Console)
	mux.Handle("/console", a.Console)
	mux.Handle("/", a.API)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !httpapi.CleanPath(r.URL.Path) && !strings.HasPrefix(r.URL.Path, "/console") {
			a.API.ServeHTTP(w, r) // a problem+json 404, not the mux's redirect
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// Close flushes the writer, closes the database and releases the key
// file lock.
func (a *App) Close() error {
	if a.API != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		a.API.Close(ctx)
		cancel()
	}
	err := a.DB.Close()
	if a.unlock != nil {
		a.unlock()
		a.unlock = nil
	}
	return err
}

// KeyFileRefused is the error of a database that refused to open: a key
// file created just now for a database that already holds data (the
// real one is missing) is removed again, and the error says so.
func KeyFileRefused(err error, path string, created bool) error {
	if !errors.Is(err, store.ErrForeignKeyFile) {
		return fmt.Errorf("database: %w", err)
	}
	if created {
		_ = os.Remove(path)
		return fmt.Errorf("key file %s is missing, and the database already holds data written with a key file: put that key file back (or name it with --key-file); a new one cannot read the data, so none was kept: %w", path, err)
	}
	return fmt.Errorf("key file %s: %w", path, err)
}

// AgreeOnKEK makes the key file and the database agree on the primary KEK
// version. The database records it on first start. A key file ahead of the
// database (a rotation interrupted between writing the key file and
// committing) is adopted; a key file that lacks the database's version is
// stale, and the process refuses to start rather than wrap new keys under a
// version other processes may retire.
func AgreeOnKEK(ctx context.Context, kr *keys.Keyring, db *store.DB) error {
	recorded, err := db.KEKPrimary(ctx, kr.Primary())
	if err != nil {
		return fmt.Errorf("KEK version: %w", err)
	}
	if recorded == kr.Primary() {
		return nil
	}
	if err := kr.Reload(); err != nil {
		return err
	}
	switch {
	case recorded == kr.Primary():
		return nil
	case kr.HasVersion(recorded):
		_, err := db.SwitchPrimary(ctx, func() (uint32, error) { return kr.Primary(), nil }, nil)
		return err
	default:
		return fmt.Errorf("key file %s: %w", kr.Path(), keys.ErrStaleKeyFile)
	}
}
