// Package incidents handles personal-data breaches: the incident itself
// (when it was detected and known, where, which data, which compromised
// token or account), the subjects it affects (counted, never named), one
// notification clock per regime and recipient, the tasks of handling it,
// its timeline, evidence kept by hash, and notification drafts.
//
// The law lives in data: the embedded breach.yaml holds one rule per regime
// and recipient (period, unit, start event, conditions on the number of
// affected subjects, citation and caveats) and the names (countries,
// subdivisions, words) that resolve to each regime. Regimes are the request
// rules' (internal/legalclock) names, and business days count with
// legalclock's holiday calendars. An operator may replace the rules with
// [Load]; it validates what it reads.
//
// Hour periods run from the start instant (GDPR's 72 hours); day periods
// do not count the day of the start event and end at the last instant of
// their last day in the table's time zone (California's 30 calendar days,
// LGPD's 3 business days); "immediate" periods ("without delay") are due at
// once.
package incidents
