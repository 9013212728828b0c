// Package detect holds in-memory intrusion detection building blocks: a
// guard against password guessing (LoginGuard), a detector for one
// principal reading many data subjects (BulkReadDetector), per-key token
// buckets (RateLimiter), and the alerts they lead to with their delivery
// (Alert, Webhook, Dispatcher).
//
// Nothing here stores personal data. Keys are opaque strings the caller
// chooses, such as a user id, a pseudonym or a client address, and alerts
// carry only those keys and counts. Every type is safe for concurrent use,
// keeps its memory bounded, and takes an injectable clock so tests never
// sleep.
package detect
