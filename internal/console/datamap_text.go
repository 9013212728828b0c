package console

// govText names the codes the data-map and incident pages show (system
// kinds, category sources, DPA states, task states, clock audiences,
// timeline events) in words, in the person's language. Templates reach it
// as .Data.Txt: {{$d.Txt.Of .Kind}}. An unknown code is shown as is.
type govText struct{ L *Locale }

// Of returns the words for code.
func (t govText) Of(code string) string {
	l := t.L
	switch code {
	// Kinds of system.
	case "vault":
		return l.T("the vault")
	case "crm":
		return l.T("CRM")
	case "database":
		return l.T("database")
	case "spreadsheet":
		return l.T("spreadsheet")
	case "file_share":
		return l.T("file share")
	case "chat":
		return l.T("chat group")
	case "social_inbox":
		return l.T("social media inbox")
	case "mailbox":
		return l.T("mailbox")
	case "saas":
		return l.T("SaaS tool")
	case "paper":
		return l.T("paper records")
	case "other":
		return l.T("other kind of system")
	// Where a category is known from.
	case "declared":
		return l.T("declared")
	case "derived":
		return l.T("from the vault's schemas")
	case "scan":
		return l.T("found by a scan")
	// DPA states.
	case "none":
		return l.T("no DPA")
	case "draft":
		return l.T("DPA in draft")
	case "signed":
		return l.T("DPA signed")
	// Task states (open and closed are shared codes).
	case "justified":
		return l.T("justified as not needed")
	// Clock audiences.
	case "authority":
		return l.T("authority")
	case "individuals":
		return l.T("affected people")
	// Timeline events.
	case "detected":
		return l.T("breach detected")
	case "became_aware":
		return l.T("became aware of the breach")
	case "created":
		return l.T("incident filed")
	case "clock_started":
		return l.T("clock started")
	case "clock_waived":
		return l.T("clock waived")
	case "clock_moved":
		return l.T("clock moved")
	case "task_closed":
		return l.T("task closed")
	case "task_justified":
		return l.T("task justified")
	case "notification_sent":
		return l.T("notification sent")
	case "evidence_added":
		return l.T("evidence added")
	case "closed":
		return l.T("closed")
	case "open":
		return l.T("open")
	case "alert_near_end":
		return l.T("alert: clock nearing its end")
	case "alert_overdue":
		return l.T("alert: clock overdue")
	}
	return code
}
