package console

import (
	"net/http"
	"strings"

	"custodia/internal/auth"
	"custodia/internal/datamap"
	"custodia/internal/processors"
)

func init() {
	extraRoutes = append(extraRoutes, func(c *Console) {
		c.handle("GET /console/datamap/systems/{id}/edit", c.editSystem)
		c.handleForm("POST /console/datamap/systems/{id}", c.updateSystem)
	})
}

// systemForm is the data of the system_fields partial: a system's values
// as the form shows them (empty for a new one).
type systemForm struct {
	S          datamap.System
	Declared   []string // the categories the DPO declared (scans and schemas add their own)
	Kinds      []string
	Processors []processors.Processor
	Txt        govText
	L          *Locale
}

// systemFromForm reads the system form.
func systemFromForm(rc *reqCtx) datamap.Input {
	f := rc.r.PostForm
	return datamap.Input{Name: f.Get("name"), Kind: f.Get("kind"), Status: f.Get("status"), Description: strings.TrimSpace(f.Get("description")),
		Owner: strings.TrimSpace(f.Get("owner")), Holders: govList(f.Get("holders")), Categories: govList(f.Get("categories")),
		Jurisdictions: govList(f.Get("jurisdictions")), Purposes: govList(f.Get("purposes")), Retention: strings.TrimSpace(f.Get("retention")),
		Transfers: govUpper(govList(f.Get("transfers"))), Processors: f["processors"],
		Match: datamap.Match{Hosts: govList(f.Get("match_hosts")), Paths: govLines(f.Get("match_paths"))}}
}

// systemEditView is the data of system_edit.html.
type systemEditView struct{ Form systemForm }

// editSystem shows a confirmed system's form filled with its values. The
// vault's entry is derived from the schemas, and a proposal is confirmed
// or dismissed, not edited.
func (c *Console) editSystem(rc *reqCtx) error {
	// Those who read the data map may not change it: no form they could
	// fill in only to be refused (QA).
	if err := rc.need(auth.PermGovernance); err != nil {
		return err
	}
	var sys datamap.System
	if err := rc.call(http.MethodGet, "/v1/systems/"+seg(rc.r.PathValue("id")), nil, &sys); err != nil {
		return err
	}
	if err := editable(rc, sys); err != nil {
		return err
	}
	var ps struct {
		Processors []processors.Processor `json:"processors"`
	}
	if err := rc.call(http.MethodGet, "/v1/processors", nil, &ps); err != nil {
		return err
	}
	form := systemForm{S: sys, Kinds: govSystemKinds(), Processors: ps.Processors, Txt: govText{rc.L}, L: rc.L}
	for _, cat := range sys.Categories {
		if cat.Source == datamap.SourceDeclared {
			form.Declared = append(form.Declared, cat.Category)
		}
	}
	return rc.render(http.StatusOK, "system_edit", rc.L.T("Edit the system"), systemEditView{Form: form})
}

// updateSystem replaces a system's declared facts (PUT /v1/systems/{id});
// categories found by scans and its migration state stay as they are.
func (c *Console) updateSystem(rc *reqCtx) error {
	id := rc.r.PathValue("id")
	var sys datamap.System
	if err := rc.call(http.MethodGet, "/v1/systems/"+seg(id), nil, &sys); err != nil {
		return err
	}
	if err := editable(rc, sys); err != nil {
		return err
	}
	if err := rc.call(http.MethodPut, "/v1/systems/"+seg(id), systemFromForm(rc), nil); err != nil {
		return err
	}
	return rc.done("/console/datamap/systems/"+seg(id), rc.L.T("System saved."))
}

// editable refuses the vault's entry and proposals.
func editable(rc *reqCtx, sys datamap.System) error {
	switch {
	case sys.ID == datamap.VaultID:
		return &APIError{Status: http.StatusConflict, Code: "vault_derived", Detail: rc.L.T("The vault's entry is derived from the collection schemas: change the schemas instead.")}
	case sys.Status == datamap.StatusProposed:
		return &APIError{Status: http.StatusConflict, Code: "proposed", Detail: rc.L.T("A proposed system is confirmed or dismissed first.")}
	}
	return nil
}
