// Package legalclock computes the deadlines of data-subject requests
// (access, erasure, consent withdrawal, ...) under the regimes custodia
// supports: GDPR, CCPA, LGPD, Vietnam's Law 91/2025/QH15 and Decree
// 356/2025/ND-CP, India's DPDP Act, PIPEDA and HIPAA.
//
// The law lives in data, not in code: the embedded rules.yaml holds one
// entry per jurisdiction and request type (period, unit, extension,
// acknowledgement, citation, notes), and holidays.yaml holds the holiday
// calendars that business days and roll-forward rules count with. The code
// only does date arithmetic. An operator may replace the rules with
// [LoadRules] and add holidays with [Table.LoadHolidays]; both validate what
// they read.
//
// Every computation happens in a time zone the caller gives: a request's
// start instant is turned into a date in that zone, the period is counted in
// dates, and a deadline is the last instant of its due date in that zone.
//
// Periods are counted the way the laws count them: the day of the start
// event is not counted, so a 30-day period from 1 March ends on 31 March; a
// month ends on the same date of the following month, or on that month's
// last day when it has no such date (Regulation (EEC, Euratom) No 1182/71
// Art. 3, as the EDPB reads it for GDPR Art. 12(3)); business days skip
// Saturdays, Sundays and the calendar's holidays. Where the sources for a
// figure are secondary or uncertain, the rule's Notes say so.
package legalclock
