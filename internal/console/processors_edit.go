package console

import (
	"net/http"
	"strings"
	"time"

	"custodia/internal/auth"
	"custodia/internal/processors"
)

func init() {
	extraRoutes = append(extraRoutes, func(c *Console) {
		c.handle("GET /console/processors/{id}/edit", c.editProcessor)
		c.handleForm("POST /console/processors/{id}", c.updateProcessor)
	})
}

// processorForm is the data of the processor_fields partial: a processor's
// values as the form shows them (empty for a new one).
type processorForm struct {
	P                     processors.Processor
	Signed, Expires, Subs string
	Today                 string
	Statuses              []string
	Txt                   govText
	L                     *Locale
}

// processorForm fills the form with p's values, dates in the console's
// zone.
func (rc *reqCtx) processorForm(p processors.Processor) processorForm {
	day := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(rc.c.opts.Location).Format("2006-01-02")
	}
	var subs strings.Builder
	for _, sp := range p.SubProcessors {
		subs.WriteString(sp.Name + ", " + sp.Country + "\n")
	}
	return processorForm{P: p, Signed: day(p.DPASignedAt), Expires: day(p.DPAExpiresAt), Subs: subs.String(),
		Today: time.Now().In(rc.c.opts.Location).Format("2006-01-02"), L: rc.L, Txt: govText{rc.L},
		Statuses: []string{processors.DPASigned, processors.DPADraft, processors.DPANone}}
}

// processorFromForm reads the processor form; a DPA file, when given, is
// kept by its SHA-256 only.
func (rc *reqCtx) processorFromForm() (processors.Processor, error) {
	f := rc.r.PostForm
	p := processors.Processor{Vendor: f.Get("vendor"), Service: f.Get("service"), Country: strings.ToUpper(strings.TrimSpace(f.Get("country"))),
		DPAStatus: f.Get("dpa_status"), Categories: govList(f.Get("categories")), Purposes: govList(f.Get("purposes"))}
	for _, line := range govLines(f.Get("sub_processors")) {
		name, country, ok := govCutLast(line, ",")
		if !ok {
			return p, &APIError{Status: http.StatusBadRequest, Code: "invalid_sub_processors", Detail: rc.L.T("Write each sub-processor as its name, a comma and its country code, such as: Amazon Web Services, SG")}
		}
		p.SubProcessors = append(p.SubProcessors, processors.SubProcessor{Name: name, Country: strings.ToUpper(country)})
	}
	var err error
	if p.DPASignedAt, err = govDate(rc, f.Get("dpa_signed_at")); err != nil {
		return p, err
	}
	if p.DPAExpiresAt, err = govDate(rc, f.Get("dpa_expires_at")); err != nil {
		return p, err
	}
	if p.DPADocument, err = govFileSHA256(rc, "dpa_document"); err != nil {
		return p, err
	}
	return p, nil
}

// processorEditView is the data of processor_edit.html.
type processorEditView struct{ Form processorForm }

// editProcessor shows a processor's form filled with its values.
func (c *Console) editProcessor(rc *reqCtx) error {
	if err := rc.need(auth.PermGovernance); err != nil {
		return err
	}
	var p processors.Processor
	if err := rc.call(http.MethodGet, "/v1/processors/"+seg(rc.r.PathValue("id")), nil, &p); err != nil {
		return err
	}
	return rc.render(http.StatusOK, "processor_edit", rc.L.T("Edit the processor"), processorEditView{Form: rc.processorForm(p)})
}

// updateProcessor replaces a processor's record (PUT /v1/processors/{id}),
// for example when its DPA is signed or renewed. Without a new DPA file
// the current document's SHA-256 is kept.
func (c *Console) updateProcessor(rc *reqCtx) error {
	id := rc.r.PathValue("id")
	p, err := rc.processorFromForm()
	if err != nil {
		return err
	}
	if p.DPADocument == "" {
		var cur processors.Processor
		if err := rc.call(http.MethodGet, "/v1/processors/"+seg(id), nil, &cur); err != nil {
			return err
		}
		p.DPADocument = cur.DPADocument
	}
	if err := rc.call(http.MethodPut, "/v1/processors/"+seg(id), p, nil); err != nil {
		return err
	}
	return rc.done("/console/processors#processor-"+id, rc.L.T("Processor saved."))
}
