package console

// codeLabels are the English words for the codes the API answers with
// (request types and states, lookups, consent actions, clock states,
// alert kinds). Locale.T translates a code through its label, so a
// template can write {{.L.T .State}} and show "Verifying identity" or
// "Đang xác minh danh tính", never "verifying_identity".
var codeLabels = map[string]string{
	"access":           "Access",
	"portability":      "Portability",
	"rectification":    "Rectification",
	"erasure":          "Erasure",
	"restriction":      "Restriction",
	"objection":        "Objection",
	"withdraw_consent": "Consent withdrawal",

	"received":           "Newly received",
	"verifying_identity": "Verifying identity",
	"in_progress":        "In progress",
	"extended":           "Extended",
	"paused":             "Paused",
	"completed":          "Completed",
	"rejected":           "Rejected",

	"email":       "E-mail",
	"phone":       "Phone",
	"national_id": "National id",

	// Export register states ("rejected" above).
	"pending_approval": "Waiting for approval",
	"approved":         "Approved, not yet downloaded",
	"produced":         "Downloaded",
	"registered":       "Registered",

	// Consent and request channels (email and phone above).
	"web":       "Website",
	"app":       "Mobile app",
	"zalo":      "Zalo",
	"facebook":  "Facebook",
	"paper":     "On paper",
	"in_person": "In person",
	"sms":       "SMS",
	"import":    "Imported from a file",

	"grant":    "Grant",
	"withdraw": "Withdraw",

	"open": "Open",

	"queued":          "Queued",
	"running":         "Running",
	"failed":          "Failed",
	"interrupted":     "Interrupted",
	"copy_to_destroy": "Migrated, copy to destroy",
	"destroyed":       "Copy destroyed",
	"met":             "Met",
	"overdue":         "Overdue",
	"due_now":         "Due now, without undue delay",
	"waived":          "Waived",

	"brute_force_account":    "Repeated failed sign-ins on an account",
	"brute_force_address":    "Repeated failed sign-ins from an address",
	"bulk_read":              "Bulk read of personal data",
	"lookup_misses":          "Many lookups matching no one",
	"rate_limited":           "Request rate limit reached",
	"audit_chain_broken":     "Audit chain head without a valid seal",
	"request_overdue":        "Request past its deadline",
	"request_unacknowledged": "Request receipt not acknowledged in time",
	"dpa_missing":            "Processor without a signed DPA",
	"dpa_expired":            "Processor's DPA expired",
	"dpa_expiring":           "Processor's DPA expiring",
	"incident_clock":         "Breach notification due",

	// Why a field was withheld or masked (access decisions).
	"no_consent":       "no consent for this purpose",
	"purpose_mismatch": "not collected for this purpose",
	"role_denied":      "not open to your role",
	"role_masked":      "masked for your role",
	"training_expired": "privacy training expired",
	"training_missing": "no privacy training recorded",
	"restricted":       "processing restricted",
	"objected":         "the person objected",
}
