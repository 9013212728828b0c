package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// openAPIMethods are the operation keys of an OpenAPI path item.
var openAPIMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// loadOpenAPI decodes the embedded openapi.json.
func loadOpenAPI(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(openapiSpec, &doc); err != nil {
		t.Fatalf("openapi.json is not a valid JSON object: %v", err)
	}
	return doc
}

// apiOperation is one operation of the document.
type apiOperation struct {
	Method, Path string
	Op           map[string]any
}

func (o apiOperation) key() string { return o.Method + " " + o.Path }

// openAPIOperations lists the document's operations, sorted by path then method.
func openAPIOperations(t *testing.T, doc map[string]any) []apiOperation {
	t.Helper()
	paths, ok := doc["paths"].(map[string]any)
	if !ok {
		t.Fatal("openapi.json has no paths object")
	}
	var ops []apiOperation
	for p, item := range paths {
		pi, ok := item.(map[string]any)
		if !ok {
			t.Errorf("path item %s is not an object", p)
			continue
		}
		for _, m := range openAPIMethods {
			raw, ok := pi[m]
			if !ok {
				continue
			}
			op, ok := raw.(map[string]any)
			if !ok {
				t.Errorf("%s %s: operation is not an object", strings.ToUpper(m), p)
				continue
			}
			ops = append(ops, apiOperation{Method: strings.ToUpper(m), Path: p, Op: op})
		}
	}
	slices.SortFunc(ops, func(a, b apiOperation) int { return strings.Compare(a.key(), b.key()) })
	return ops
}

// routeTable indexes the server's routes by "METHOD pattern".
func routeTable(t *testing.T) map[string]route {
	t.Helper()
	out := map[string]route{}
	for _, rt := range (&Server{}).routes() {
		k := rt.Method + " " + rt.Pattern
		if _, dup := out[k]; dup {
			t.Errorf("route %s appears twice in the route table", k)
		}
		out[k] = rt
	}
	return out
}

func TestOpenAPIMatchesRoutes(t *testing.T) {
	doc := loadOpenAPI(t)
	routes := routeTable(t)
	ops := openAPIOperations(t, doc)

	documented := map[string]apiOperation{}
	for _, o := range ops {
		documented[o.key()] = o
	}
	var missing, extra []string
	for k := range routes {
		if _, ok := documented[k]; !ok {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if _, ok := routes[k]; !ok {
			extra = append(extra, k)
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	if len(missing) > 0 {
		t.Errorf("routes missing from openapi.json:\n  %s", strings.Join(missing, "\n  "))
	}
	if len(extra) > 0 {
		t.Errorf("operations in openapi.json that are not routes:\n  %s", strings.Join(extra, "\n  "))
	}

	ids := map[string]string{}
	for _, o := range ops {
		id, _ := o.Op["operationId"].(string)
		if id == "" {
			t.Errorf("%s: no operationId", o.key())
		} else if prev, dup := ids[id]; dup {
			t.Errorf("operationId %q is used by both %s and %s", id, prev, o.key())
		} else {
			ids[id] = o.key()
		}

		rt, ok := routes[o.key()]
		if !ok {
			continue
		}
		perm, hasPerm := o.Op["x-custodia-permission"]
		switch {
		case rt.Public && hasPerm:
			t.Errorf("%s: public route must not have x-custodia-permission (has %v)", o.key(), perm)
		case !rt.Public && !hasPerm:
			t.Errorf("%s: missing x-custodia-permission (want %q)", o.key(), rt.Permission)
		case !rt.Public && perm != string(rt.Permission):
			t.Errorf("%s: x-custodia-permission = %v, route table says %q", o.key(), perm, rt.Permission)
		}
	}
}

func TestOpenAPIRefsResolve(t *testing.T) {
	doc := loadOpenAPI(t)
	count := 0
	var walk func(v any, at string)
	walk = func(v any, at string) {
		switch v := v.(type) {
		case map[string]any:
			for k, child := range v {
				if k == "$ref" {
					count++
					s, ok := child.(string)
					if !ok {
						t.Errorf("%s: $ref is not a string", at)
						continue
					}
					checkRef(t, doc, at, s)
					continue
				}
				walk(child, at+"/"+k)
			}
		case []any:
			for i, child := range v {
				walk(child, at+"/"+strconv.Itoa(i))
			}
		}
	}
	walk(doc, "#")
	if count == 0 {
		t.Error("openapi.json has no $ref at all; expected shared components")
	}
}

// checkRef reports whether ref, found at at, names an existing component.
func checkRef(t *testing.T, doc map[string]any, at, ref string) {
	t.Helper()
	const prefix = "#/components/"
	if !strings.HasPrefix(ref, prefix) {
		t.Errorf("%s: $ref %q does not point into #/components/", at, ref)
		return
	}
	parts := strings.Split(strings.TrimPrefix(ref, "#/"), "/")
	if len(parts) != 3 {
		t.Errorf("%s: $ref %q does not name a component (#/components/<type>/<name>)", at, ref)
		return
	}
	var cur any = doc
	for _, p := range parts {
		p = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			t.Errorf("%s: $ref %q does not resolve", at, ref)
			return
		}
		if cur, ok = m[p]; !ok {
			t.Errorf("%s: $ref %q does not resolve (no %q)", at, ref, p)
			return
		}
	}
	if _, ok := cur.(map[string]any); !ok {
		t.Errorf("%s: $ref %q resolves to a non-object", at, ref)
	}
}

// resolve follows a local $ref, if v is one.
func resolve(doc map[string]any, v any) map[string]any {
	m, _ := v.(map[string]any)
	ref, ok := m["$ref"].(string)
	if !ok {
		return m
	}
	var cur any = doc
	for _, p := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		next, _ := cur.(map[string]any)
		cur = next[p]
	}
	out, _ := cur.(map[string]any)
	return out
}

var pathTemplateParam = regexp.MustCompile(`\{([^}]+)\}`)

func TestOpenAPIValidJSON(t *testing.T) {
	if !json.Valid(openapiSpec) {
		t.Fatal("openapi.json is not valid JSON")
	}
	var compact, indented bytes.Buffer
	if err := json.Compact(&compact, openapiSpec); err != nil {
		t.Fatal(err)
	}
	if err := json.Indent(&indented, compact.Bytes(), "", "  "); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(bytes.TrimSpace(openapiSpec), indented.Bytes()) {
		t.Error("openapi.json is not indented with two spaces (compare with json.Indent)")
	}

	doc := loadOpenAPI(t)
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.1") {
		t.Errorf("openapi = %q, want 3.1.x", v)
	}
	info, _ := doc["info"].(map[string]any)
	if info["title"] != "Custodia" || info["version"] != "0.1.0" {
		t.Errorf("info title/version = %v/%v, want Custodia/0.1.0", info["title"], info["version"])
	}
	comps, _ := doc["components"].(map[string]any)
	schemes, _ := comps["securitySchemes"].(map[string]any)
	bearer, _ := schemes["bearerAuth"].(map[string]any)
	if bearer["type"] != "http" || bearer["scheme"] != "bearer" {
		t.Errorf("components.securitySchemes.bearerAuth = %v, want an http bearer scheme", bearer)
	}
	global, _ := doc["security"].([]any)
	if len(global) != 1 || global[0].(map[string]any)["bearerAuth"] == nil {
		t.Errorf("global security = %v, want [{bearerAuth: []}]", doc["security"])
	}

	routes := routeTable(t)
	paths, _ := doc["paths"].(map[string]any)
	for _, o := range openAPIOperations(t, doc) {
		resps, _ := o.Op["responses"].(map[string]any)
		has2xx := false
		for code, r := range resps {
			if len(code) == 3 && code[0] == '2' {
				has2xx = true
			}
			if resolve(doc, r) == nil {
				t.Errorf("%s: response %s is not an object", o.key(), code)
			}
		}
		if !has2xx {
			t.Errorf("%s: no 2xx response", o.key())
		}
		rt, known := routes[o.key()]
		if !known {
			continue // reported by TestOpenAPIMatchesRoutes
		}
		sec, hasSec := o.Op["security"].([]any)
		if rt.Public {
			if !hasSec || len(sec) != 0 {
				t.Errorf("%s: public route must set security: []", o.key())
			}
		} else {
			if _, ok := resps["401"]; !ok {
				t.Errorf("%s: authenticated route lists no 401 response", o.key())
			}
			if hasSec && len(sec) == 0 {
				t.Errorf("%s: authenticated route must not set security: []", o.key())
			}
		}

		// Every path template variable is declared as a path parameter.
		declared := map[string]bool{}
		pathItem, _ := paths[o.Path].(map[string]any)
		for _, list := range []any{pathItem["parameters"], o.Op["parameters"]} {
			ps, _ := list.([]any)
			for _, p := range ps {
				pm := resolve(doc, p)
				if pm == nil {
					t.Errorf("%s: a parameter does not resolve", o.key())
					continue
				}
				if pm["in"] == "path" {
					name, _ := pm["name"].(string)
					declared[name] = true
					if pm["required"] != true {
						t.Errorf("%s: path parameter %s must be required", o.key(), name)
					}
				}
			}
		}
		for _, m := range pathTemplateParam.FindAllStringSubmatch(o.Path, -1) {
			if !declared[m[1]] {
				t.Errorf("%s: path parameter {%s} is not declared", o.key(), m[1])
			}
			delete(declared, m[1])
		}
		for name := range declared {
			t.Errorf("%s: declares path parameter %q absent from the path", o.key(), name)
		}
	}
}

func TestOpenAPIServed(t *testing.T) {
	w := httptest.NewRecorder()
	if err := (&Server{}).openapi(w, httptest.NewRequest(http.MethodGet, "/openapi.json", nil)); err != nil {
		t.Fatal(err)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	if !bytes.Equal(w.Body.Bytes(), openapiSpec) {
		t.Error("GET /openapi.json does not serve the embedded document")
	}
}
