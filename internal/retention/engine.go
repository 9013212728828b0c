package retention

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"custodia/internal/apperr"
	"custodia/internal/audit"
	"custodia/internal/vault"
)

// Store is the storage retention needs.
type Store interface {
	ListRetentionRules(ctx context.Context) ([]Rule, error)
	ListHolds(ctx context.Context) ([]Hold, error)
	ExpiredRecords(ctx context.Context, collection string, byUpdate bool, cutoff time.Time, afterID string, limit int) ([]Candidate, error)
	WithdrawnBefore(ctx context.Context, purpose string, cutoff time.Time) ([]string, error)
	SubjectCandidates(ctx context.Context, collection, subjectID string) ([]Candidate, error)
	DeleteExpired(ctx context.Context, collection string, cs []Candidate, ruleID, approvedBy string, pseudonym func(string) string) (int64, error)
}

// Vault is what retention needs of the vault.
type Vault interface {
	Collection(ctx context.Context, name string) (*vault.Collection, error)
	DropFields(ctx context.Context, collection, id string, fields []string, e *audit.Entry) (bool, error)
	// HasAnyField reports whether a record still holds one of the fields.
	HasAnyField(ctx context.Context, collection, id string, fields []string) (bool, error)
	AnchorDates(ctx context.Context, collection, field string, fn func(recordID, subjectID string, date time.Time) error) error
	Pseudonym(subjectID string) string
}

// FieldDeletionRecorder writes the deletion record of fields dropped.
type FieldDeletionRecorder func(ctx context.Context, kind, pseudonym, collection string, fields []string, records int64, ruleID, approvedBy string) error

// Engine evaluates and applies retention rules.
type Engine struct {
	store  Store
	vault  Vault
	record FieldDeletionRecorder
	Now    func() time.Time
	// Batch is how many records one delete transaction holds.
	Batch int
	// Lock, when set, takes the job lock that keeps other processes on the
	// same database from applying rules at the same time (on PostgreSQL an
	// advisory lock); ok is false when another process holds it.
	Lock func(ctx context.Context) (release func(), ok bool, err error)

	applying sync.Mutex // held by the one run of this process that applies rules
}

// ErrRunning refuses a run that would apply rules while another run does.
var ErrRunning = apperr.New(apperr.Conflict, "retention_running",
	"a retention run is already applying rules; try again when it has finished")

// NewEngine returns a retention engine.
func NewEngine(store Store, v Vault, record FieldDeletionRecorder) *Engine {
	return &Engine{store: store, vault: v, record: record, Now: time.Now, Batch: 1000}
}

// Item is one planned or applied action on one record.
type Item struct {
	Rule       string   `json:"rule"`
	Collection string   `json:"collection"`
	RecordID   string   `json:"record"`
	Subject    string   `json:"subject_pseudonym"`
	Action     string   `json:"action"`
	Fields     []string `json:"fields"` // ["*"]: the whole record
	Reason     string   `json:"reason"`
}

// Skipped is an expired record a legal hold protects.
type Skipped struct {
	Rule     string `json:"rule"`
	RecordID string `json:"record"`
	Hold     string `json:"hold"`
	Reason   string `json:"hold_reason"`
}

// Report is the outcome of a run.
type Report struct {
	DryRun     bool      `json:"dry_run"`
	At         time.Time `json:"at"`
	Deleted    int64     `json:"records_deleted"`
	Anonymised int64     `json:"records_anonymised"`
	// Thinned counts records that lost fields to a field rule's delete.
	Thinned    int64     `json:"records_thinned"`
	Items      []Item    `json:"items"`       // at most MaxItems listed
	ItemCount  int       `json:"items_total"` // all of them
	Held       []Skipped `json:"held"`
	Conflicts  []string  `json:"conflicts"`
	Overridden []string  `json:"overridden_rules"`
	Seconds    float64   `json:"seconds"`
}

// MaxItems bounds the items a report lists.
const MaxItems = 1000

func (r *Report) add(it Item) {
	r.ItemCount++
	if len(r.Items) < MaxItems {
		r.Items = append(r.Items, it)
	}
}

// Effective returns the rules that apply: those no longer rule on the
// same scope overrides (see effectiveRules), in their order.
func Effective(rules []Rule) []Rule {
	keep, _, _ := effectiveRules(rules)
	return keep
}

// effectiveRules drops rules overridden by a longer rule on the same scope
// (same collection, and both whole-record or sharing a field): the longer
// period wins, and the conflict is reported.
func effectiveRules(rules []Rule) (keep []Rule, conflicts, overridden []string) {
	dropped := map[string]bool{}
	for i := range rules {
		for j := i + 1; j < len(rules); j++ {
			a, b := rules[i], rules[j]
			if a.Collection != b.Collection || !overlap(a.Fields, b.Fields) {
				continue
			}
			loser, winner := a, b
			if a.Keep.approxDays() > b.Keep.approxDays() || (a.Keep.approxDays() == b.Keep.approxDays() && a.ID < b.ID) {
				loser, winner = b, a
			}
			conflicts = append(conflicts, fmt.Sprintf("rules %s (%d %s after %s) and %s (%d %s after %s) both cover %s%s: the longer, %s, applies",
				a.ID, a.Keep.N, a.Keep.Unit, a.Anchor, b.ID, b.Keep.N, b.Keep.Unit, b.Anchor, a.Collection, scope(a.Fields, b.Fields), winner.ID))
			dropped[loser.ID] = true
		}
	}
	for _, r := range rules {
		if dropped[r.ID] {
			overridden = append(overridden, r.ID)
			continue
		}
		keep = append(keep, r)
	}
	return keep, conflicts, overridden
}

// overlap reports whether two rules' scopes conflict: both whole-record,
// or both naming a common field. A field rule beside a whole-record rule
// does not conflict: it thins records the other later deletes.
func overlap(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == 0 && len(b) == 0
	}
	return slices.ContainsFunc(a, func(f string) bool { return slices.Contains(b, f) })
}

func scope(a, b []string) string {
	if len(a) == 0 {
		return ""
	}
	var common []string
	for _, f := range a {
		if slices.Contains(b, f) {
			common = append(common, f)
		}
	}
	return " fields " + strings.Join(common, ", ")
}

// Run evaluates every rule at now and, unless dryRun, applies them.
//
// A run that applies rules (not a dry run) is exclusive: while one runs,
// in this process or, through Lock, in another on the same database,
// another is refused with ErrRunning, so two runs never race on the same
// records or write the same deletion record twice. Dry runs write nothing
// and never wait.
func (e *Engine) Run(ctx context.Context, dryRun bool, approvedBy string) (Report, error) {
	if !dryRun {
		release, err := e.exclusive(ctx)
		if err != nil {
			return Report{DryRun: dryRun, Items: []Item{}, Held: []Skipped{}, Conflicts: []string{}, Overridden: []string{}}, err
		}
		defer release()
	}
	return e.run(ctx, dryRun, approvedBy)
}

// exclusive takes the process's and the database's job locks, or returns
// ErrRunning when either is held.
func (e *Engine) exclusive(ctx context.Context) (release func(), err error) {
	if !e.applying.TryLock() {
		return nil, ErrRunning
	}
	if e.Lock == nil {
		return e.applying.Unlock, nil
	}
	unlock, ok, err := e.Lock(ctx)
	if err != nil {
		e.applying.Unlock()
		return nil, fmt.Errorf("retention job lock: %w", err)
	}
	if !ok {
		e.applying.Unlock()
		return nil, ErrRunning
	}
	return func() { unlock(); e.applying.Unlock() }, nil
}

// run evaluates every rule and, unless dryRun, applies it.
func (e *Engine) run(ctx context.Context, dryRun bool, approvedBy string) (Report, error) {
	start := time.Now()
	now := e.Now().UTC()
	rep := Report{DryRun: dryRun, At: now, Items: []Item{}, Held: []Skipped{}, Conflicts: []string{}, Overridden: []string{}}
	rules, err := e.store.ListRetentionRules(ctx)
	if err != nil {
		return rep, err
	}
	holds, err := e.store.ListHolds(ctx)
	if err != nil {
		return rep, err
	}
	active := slices.DeleteFunc(holds, func(h Hold) bool { return !h.Active(now) })
	rules, idle, err := e.scoped(ctx, rules)
	if err != nil {
		return rep, err
	}
	rep.Conflicts = append(rep.Conflicts, idle...)
	rules, conflicts, overridden := effectiveRules(rules)
	rep.Conflicts = append(rep.Conflicts, conflicts...)
	rep.Overridden = append(rep.Overridden, overridden...)
	for _, r := range rules {
		if err := e.runRule(ctx, r, now, active, dryRun, approvedBy, &rep); err != nil {
			return rep, fmt.Errorf("rule %s: %w", r.ID, err)
		}
	}
	rep.Seconds = time.Since(start).Seconds()
	return rep, nil
}

// scoped gives each purpose rule without fields the fields it covers (the
// data collected for its purpose alone; none when that is every field, so
// the rule stays whole-record) and drops purpose rules with nothing in
// scope, so conflicts are judged on the data rules actually act on. It
// also drops anonymise rules with nothing identifying to drop, saying so
// in idle: such a rule changes nothing, so it must not win a conflict
// against a delete rule and keep the records for ever.
func (e *Engine) scoped(ctx context.Context, rules []Rule) (out []Rule, idle []string, err error) {
	out = make([]Rule, 0, len(rules))
	for _, r := range rules {
		named := len(r.Fields) > 0 // fields the rule names are acted on as named
		var c *vault.Collection
		if !named && (r.Purpose != "" || r.Action == ActionAnonymise) {
			c, err = e.vault.Collection(ctx, r.Collection)
			if apperr.IsNotFound(err) {
				continue // the collection was removed
			}
			if err != nil {
				return nil, nil, fmt.Errorf("rule %s: %w", r.ID, err)
			}
		}
		if !named && r.Purpose != "" {
			fs := onlyFor(c, r.Purpose)
			if len(fs) == 0 {
				continue // nothing here was collected for this purpose alone
			}
			if len(fs) < len(c.Fields) {
				r.Fields = fs
			}
		}
		// Anonymising a whole record drops its identifying fields (a rule
		// scoped to some fields drops those): with none, it does nothing.
		if r.Action == ActionAnonymise && len(r.Fields) == 0 {
			if len(vault.IdentifyingFields(c)) == 0 {
				idle = append(idle, fmt.Sprintf("rule %s anonymises %s, which holds no identifying field in its scope: it changes nothing, is not applied and overrides no other rule; delete it, or make it a delete rule", r.ID, r.Collection))
				continue
			}
		}
		out = append(out, r)
	}
	return out, idle, nil
}

// heldBy returns the hold covering a record, if any.
func heldBy(holds []Hold, subjectID, collection string) *Hold {
	for i := range holds {
		if holds[i].Covers(subjectID, collection) {
			return &holds[i]
		}
	}
	return nil
}

func (e *Engine) runRule(ctx context.Context, r Rule, now time.Time, holds []Hold, dryRun bool, by string, rep *Report) error {
	c, err := e.vault.Collection(ctx, r.Collection)
	if err != nil {
		if apperr.IsNotFound(err) {
			return nil // the collection was removed; nothing to keep
		}
		return err
	}
	fields := r.Fields
	if len(fields) > 0 && !c.HasField(fields...) {
		return apperr.Newf(apperr.Invalid, "unknown_field", "rule %s names a field %s does not declare", r.ID, r.Collection)
	}
	purposeScoped := false
	if len(fields) == 0 && r.Purpose != "" {
		purposeScoped = true
		// A rule for a purpose covers the data collected only for it: whole
		// records when every field is, otherwise just those fields.
		fields = onlyFor(c, r.Purpose)
		if len(fields) == 0 {
			return nil // nothing here was collected for this purpose alone
		}
		if len(fields) == len(c.Fields) {
			fields = nil
		}
	}
	if r.Action == ActionAnonymise {
		// Anonymising drops the identifying fields in scope and keeps the rest.
		ident := vault.IdentifyingFields(c)
		switch {
		case len(fields) == 0:
			fields = ident // the whole record: its identifying fields
		case purposeScoped:
			// The purpose's fields: only the identifying ones among them.
			fields = slices.DeleteFunc(ident, func(f string) bool { return !slices.Contains(fields, f) })
		}
		// Fields named by the rule are dropped as named.
		if len(fields) == 0 {
			return nil // nothing identifying to drop; anonymising never deletes records
		}
	}
	size := e.Batch
	if size <= 0 {
		size = 1000
	}
	cutoff := r.Keep.Before(now)
	if r.Anchor == AnchorContractEnd || r.Anchor == AnchorRequestResolved {
		// A date field names a day: a record is kept through the whole
		// period after it (ended 24 Oct, kept 1 month: kept through
		// 24 Nov), so the cutoff is the start of the cutoff's day.
		y, m, d := cutoff.UTC().Date()
		cutoff = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	// A rule that keeps nothing (0 days) cuts off at this instant: its
	// reason names the time, as a day alone would read as "before today"
	// for records made today (QA).
	when := cutoff.Format(time.DateOnly)
	if r.Keep.N == 0 {
		when = cutoff.UTC().Format("2006-01-02 15:04:05 UTC")
	}
	reason := fmt.Sprintf("%s before %s (kept %d %s)", r.Anchor, when, r.Keep.N, r.Keep.Unit)
	var batch []Candidate
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		defer func() { batch = batch[:0] }()
		if dryRun {
			return nil
		}
		if len(fields) == 0 {
			n, err := e.store.DeleteExpired(ctx, r.Collection, batch, r.ID, by, e.vault.Pseudonym)
			rep.Deleted += n
			return err
		}
		return e.dropFields(ctx, r, batch, fields, by, rep)
	}
	consider := func(cand Candidate) error {
		if h := heldBy(holds, cand.SubjectID, r.Collection); h != nil {
			if len(rep.Held) < MaxItems {
				rep.Held = append(rep.Held, Skipped{Rule: r.ID, RecordID: cand.RecordID, Hold: h.ID, Reason: h.Reason})
			}
			return nil
		}
		action, fs := ActionDelete, []string{"*"}
		if len(fields) > 0 {
			// A record an earlier run already thinned or anonymised has
			// nothing left to drop: not an item, in a dry run or not.
			has, err := e.vault.HasAnyField(ctx, r.Collection, cand.RecordID, fields)
			if err != nil {
				return err
			}
			if !has {
				return nil
			}
			action, fs = r.Action, fields
			// Dropping every field it still holds leaves no record: say
			// so, count it and register it as the deletion it is (QA:
			// reported as thinned, registered as a manual deletion).
			keeps, err := e.vault.HasAnyField(ctx, r.Collection, cand.RecordID, otherFields(c, fields))
			if err != nil {
				return err
			}
			if !keeps {
				action, fs, cand.Whole = ActionDelete, []string{"*"}, true
			}
		}
		rep.add(Item{Rule: r.ID, Collection: r.Collection, RecordID: cand.RecordID, Subject: e.vault.Pseudonym(cand.SubjectID), Action: action, Fields: fs, Reason: reason})
		batch = append(batch, cand)
		if len(batch) >= size {
			return flush()
		}
		return nil
	}
	switch r.Anchor {
	case AnchorCreated, AnchorLastActivity:
		after := ""
		for {
			cs, err := e.store.ExpiredRecords(ctx, r.Collection, r.Anchor == AnchorLastActivity, cutoff, after, size)
			if err != nil {
				return err
			}
			for _, cand := range cs {
				if err := consider(cand); err != nil {
					return err
				}
			}
			if len(cs) < size {
				break
			}
			after = cs[len(cs)-1].RecordID
		}
	case AnchorConsentWithdrawn:
		subjects, err := e.store.WithdrawnBefore(ctx, r.Purpose, cutoff)
		if err != nil {
			return err
		}
		for _, sub := range subjects {
			cs, err := e.store.SubjectCandidates(ctx, r.Collection, sub)
			if err != nil {
				return err
			}
			for _, cand := range cs {
				if err := consider(cand); err != nil {
					return err
				}
			}
		}
	case AnchorContractEnd, AnchorRequestResolved:
		var expired []Candidate
		err := e.vault.AnchorDates(ctx, r.Collection, r.AnchorField, func(id, sub string, d time.Time) error {
			if d.Before(cutoff) {
				expired = append(expired, Candidate{RecordID: id, SubjectID: sub})
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, cand := range expired {
			if err := consider(cand); err != nil {
				return err
			}
		}
	}
	return flush()
}

func (e *Engine) dropFields(ctx context.Context, r Rule, batch []Candidate, fields []string, by string, rep *Report) error {
	var whole []Candidate
	for _, cand := range batch {
		if cand.Whole {
			whole = append(whole, cand)
		}
	}
	if len(whole) > 0 {
		n, err := e.store.DeleteExpired(ctx, r.Collection, whole, r.ID, by, e.vault.Pseudonym)
		rep.Deleted += n
		if err != nil {
			return err
		}
	}
	perSubject := map[string]int64{}
	for _, cand := range batch {
		if cand.Whole {
			continue
		}
		ent := &audit.Entry{Actor: by, Action: "retention." + r.Action, Collection: r.Collection, RecordID: cand.RecordID,
			Subject: e.vault.Pseudonym(cand.SubjectID), Detail: "rule:" + r.ID}
		changed, err := e.vault.DropFields(ctx, r.Collection, cand.RecordID, fields, ent)
		if err != nil {
			if apperr.IsNotFound(err) {
				continue
			}
			return err
		}
		if changed {
			perSubject[cand.SubjectID]++
			if r.Action == ActionAnonymise {
				rep.Anonymised++
			} else {
				rep.Thinned++
			}
		}
	}
	kind := "retention"
	for sub, n := range perSubject {
		if err := e.record(ctx, kind, e.vault.Pseudonym(sub), r.Collection, fields, n, r.ID, by); err != nil {
			return err
		}
	}
	return nil
}

// otherFields lists the fields of c not in fields.
func otherFields(c *vault.Collection, fields []string) []string {
	var out []string
	for _, f := range c.Fields {
		if !slices.Contains(fields, f.Name) {
			out = append(out, f.Name)
		}
	}
	return out
}

// onlyFor lists the fields of c collected for purpose and nothing else.
func onlyFor(c *vault.Collection, purpose string) []string {
	var out []string
	for _, f := range c.Fields {
		if len(f.Purposes) == 1 && f.Purposes[0] == purpose {
			out = append(out, f.Name)
		}
	}
	return out
}
