package retention

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/fieldtype"
	"custodia/internal/vault"
)

// ---- in-memory retention.Store ----

type memRecord struct {
	ID, Subject      string
	Created, Updated time.Time
}

type expiredCall struct {
	Collection string
	ByUpdate   bool
	Cutoff     time.Time
	After      string
	Limit      int
}

type withdrawnCall struct {
	Purpose string
	Cutoff  time.Time
}

type deleteCall struct {
	Collection string
	IDs        []string
	Rule, By   string
	Pseudonyms []string
}

// memStore is an in-memory Store: records per collection, consent
// withdrawals per purpose, and a log of the calls made.
type memStore struct {
	mu        sync.Mutex
	rules     []Rule
	holds     []Hold
	records   map[string][]memRecord          // by collection
	withdrawn map[string]map[string]time.Time // purpose -> subject -> withdrawn at
	fail      map[string]error                // method -> error to return
	expired   []expiredCall
	withdraws []withdrawnCall
	deletes   []deleteCall
}

func newMemStore() *memStore {
	return &memStore{records: map[string][]memRecord{}, withdrawn: map[string]map[string]time.Time{}, fail: map[string]error{}}
}

func (m *memStore) ListRetentionRules(context.Context) ([]Rule, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.rules), m.fail["ListRetentionRules"]
}

func (m *memStore) ListHolds(context.Context) ([]Hold, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.holds), m.fail["ListHolds"]
}

func (m *memStore) ExpiredRecords(_ context.Context, collection string, byUpdate bool, cutoff time.Time, afterID string, limit int) ([]Candidate, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.expired = append(m.expired, expiredCall{collection, byUpdate, cutoff, afterID, limit})
	if err := m.fail["ExpiredRecords"]; err != nil {
		return nil, err
	}
	recs := slices.Clone(m.records[collection])
	slices.SortFunc(recs, func(a, b memRecord) int { return cmp.Compare(a.ID, b.ID) })
	var out []Candidate
	for _, r := range recs {
		at := r.Created
		if byUpdate {
			at = r.Updated
		}
		if r.ID > afterID && at.Before(cutoff) && len(out) < limit {
			out = append(out, Candidate{RecordID: r.ID, SubjectID: r.Subject})
		}
	}
	return out, nil
}

func (m *memStore) WithdrawnBefore(_ context.Context, purpose string, cutoff time.Time) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.withdraws = append(m.withdraws, withdrawnCall{purpose, cutoff})
	var out []string
	for sub, at := range m.withdrawn[purpose] {
		if at.Before(cutoff) {
			out = append(out, sub)
		}
	}
	slices.Sort(out)
	return out, nil
}

func (m *memStore) SubjectCandidates(_ context.Context, collection, subjectID string) ([]Candidate, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Candidate
	for _, r := range m.records[collection] {
		if r.Subject == subjectID {
			out = append(out, Candidate{RecordID: r.ID, SubjectID: r.Subject})
		}
	}
	slices.SortFunc(out, func(a, b Candidate) int { return cmp.Compare(a.RecordID, b.RecordID) })
	return out, nil
}

func (m *memStore) DeleteExpired(_ context.Context, collection string, cs []Candidate, ruleID, approvedBy string, pseudonym func(string) string) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.fail["DeleteExpired"]; err != nil {
		return 0, err
	}
	call := deleteCall{Collection: collection, Rule: ruleID, By: approvedBy}
	var n int64
	for _, c := range cs {
		call.IDs = append(call.IDs, c.RecordID)
		call.Pseudonyms = append(call.Pseudonyms, pseudonym(c.SubjectID))
		i := slices.IndexFunc(m.records[collection], func(r memRecord) bool { return r.ID == c.RecordID })
		if i < 0 {
			continue // already gone
		}
		m.records[collection] = slices.Delete(m.records[collection], i, i+1)
		n++
	}
	m.deletes = append(m.deletes, call)
	return n, nil
}

// deletedIDs lists every record id passed to DeleteExpired, in order.
func (m *memStore) deletedIDs() []string {
	var out []string
	for _, d := range m.deletes {
		out = append(out, d.IDs...)
	}
	return out
}

// ---- fake vault ----

type anchorRow struct {
	ID, Subject string
	Date        time.Time
}

type dropCall struct {
	Collection, ID string
	Fields         []string
	Entry          audit.Entry
}

type fakeVault struct {
	mu          sync.Mutex
	collections map[string]*vault.Collection
	anchors     map[[2]string][]anchorRow // (collection, field) -> dates
	gone        map[string]bool           // record ids DropFields reports not found
	unchanged   map[string]bool           // record ids that hold none of the fields
	colErr      error
	drops       []dropCall
	anchorCalls [][2]string
}

func (v *fakeVault) Collection(_ context.Context, name string) (*vault.Collection, error) {
	if v.colErr != nil {
		return nil, v.colErr
	}
	c, ok := v.collections[name]
	if !ok {
		return nil, apperr.New(apperr.NotFound, "collection_not_found", "no such collection")
	}
	return c, nil
}

func (v *fakeVault) DropFields(_ context.Context, collection, id string, fields []string, e *audit.Entry) (bool, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.drops = append(v.drops, dropCall{collection, id, slices.Clone(fields), *e})
	if v.gone[id] {
		return false, apperr.New(apperr.NotFound, "record_not_found", "no such record")
	}
	return !v.unchanged[id], nil
}

func (v *fakeVault) HasAnyField(_ context.Context, _, id string, _ []string) (bool, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return !v.gone[id] && !v.unchanged[id], nil
}

func (v *fakeVault) AnchorDates(_ context.Context, collection, field string, fn func(recordID, subjectID string, date time.Time) error) error {
	v.mu.Lock()
	v.anchorCalls = append(v.anchorCalls, [2]string{collection, field})
	rows := slices.Clone(v.anchors[[2]string{collection, field}])
	v.mu.Unlock()
	for _, r := range rows {
		if err := fn(r.ID, r.Subject, r.Date); err != nil {
			return err
		}
	}
	return nil
}

func (v *fakeVault) Pseudonym(subjectID string) string { return "psd:" + subjectID }

// dropped lists the record ids DropFields was called for.
func (v *fakeVault) dropped() []string {
	var out []string
	for _, d := range v.drops {
		out = append(out, d.ID)
	}
	return out
}

// ---- field deletion recorder ----

type recordCall struct {
	Kind, Pseudonym, Collection string
	Fields                      []string
	Records                     int64
	Rule, By                    string
}

type recorder struct {
	mu    sync.Mutex
	calls []recordCall
}

func (r *recorder) record(_ context.Context, kind, pseudonym, collection string, fields []string, records int64, ruleID, approvedBy string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, recordCall{kind, pseudonym, collection, slices.Clone(fields), records, ruleID, approvedBy})
	return nil
}

// ---- collections ----

// mustCollection builds a collection and validates it as the vault would.
func mustCollection(t testing.TB, name, kind string, fields ...vault.Field) *vault.Collection {
	t.Helper()
	c := &vault.Collection{Name: name, Kind: kind, Fields: fields}
	if err := c.Validate(); err != nil {
		t.Fatalf("collection %s: %v", name, err)
	}
	return c
}

// customers has identifying fields email and name. Fields collected only
// for one purpose: support name, notes, contract_end, resolved_on; billing
// plan; marketing newsletter. email serves support and marketing.
func customers(t testing.TB) *vault.Collection {
	support := []string{"support"}
	return mustCollection(t, "customers", vault.KindPersons,
		vault.Field{Name: "email", Type: fieldtype.Email, Category: "user.contact.email", Purposes: []string{"support", "marketing"}, Unique: true},
		vault.Field{Name: "name", Type: fieldtype.Name, Category: "user.name", Purposes: support},
		vault.Field{Name: "plan", Type: fieldtype.Text, Category: "user.account.settings", Purposes: []string{"billing"}},
		vault.Field{Name: "notes", Type: fieldtype.Text, Category: "user.content.private", Purposes: support},
		vault.Field{Name: "contract_end", Type: fieldtype.Date, Category: "system.operations", Purposes: support},
		vault.Field{Name: "resolved_on", Type: fieldtype.Date, Category: "system.operations", Purposes: support},
		vault.Field{Name: "newsletter", Type: fieldtype.Bool, Category: "user.account.settings", Purposes: []string{"marketing"}},
	)
}

// metrics has no identifying field; everything is for analytics.
func metrics(t testing.TB) *vault.Collection {
	p := []string{"analytics"}
	return mustCollection(t, "metrics", vault.KindData,
		vault.Field{Name: "score", Type: fieldtype.Number, Category: "system.operations", Purposes: p},
		vault.Field{Name: "comment", Type: fieldtype.Text, Category: "user.content.private", Purposes: p},
	)
}

// leads is collected for marketing alone.
func leads(t testing.TB) *vault.Collection {
	p := []string{"marketing"}
	return mustCollection(t, "leads", vault.KindPersons,
		vault.Field{Name: "email", Type: fieldtype.Email, Category: "user.contact.email", Purposes: p},
		vault.Field{Name: "interest", Type: fieldtype.Text, Category: "user.behavior", Purposes: p},
	)
}

// ---- harness ----

// now is the engine's clock in every Run test.
var now = time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)

type world struct {
	store *memStore
	vault *fakeVault
	rec   *recorder
	eng   *Engine
}

func newWorld(t testing.TB) *world {
	w := &world{
		store: newMemStore(),
		vault: &fakeVault{
			collections: map[string]*vault.Collection{"customers": customers(t), "metrics": metrics(t), "leads": leads(t)},
			anchors:     map[[2]string][]anchorRow{},
			gone:        map[string]bool{},
			unchanged:   map[string]bool{},
		},
		rec: &recorder{},
	}
	w.eng = NewEngine(w.store, w.vault, w.rec.record)
	w.eng.Now = func() time.Time { return now }
	return w
}

// addRecords stores records of collection created and last changed at the
// given times.
func (w *world) addRecords(collection string, rs ...memRecord) {
	w.store.records[collection] = append(w.store.records[collection], rs...)
}

func (w *world) run(t *testing.T, dryRun bool) Report {
	t.Helper()
	rep, err := w.eng.Run(context.Background(), dryRun, "dpo")
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return rep
}

// rule returns a normalised rule.
func rule(t testing.TB, r Rule) Rule {
	t.Helper()
	if err := r.Normalize(); err != nil {
		t.Fatalf("rule %s: %v", r.ID, err)
	}
	return r
}
