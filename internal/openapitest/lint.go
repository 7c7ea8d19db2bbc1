package openapitest

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// Lint checks that the document is OpenAPI 3.1 and complete: info has a
// title and a version; every operation has a unique operationId, a summary,
// a description, declared tags, explicit security naming declared schemes
// (use [] for public routes), and responses, each with a description, at
// least one of them a success; every path parameter is declared, required
// and in the path; every reference is local and resolves; every schema
// compiles. It reports each problem with t.Errorf and returns how many
// references and schemas it walked.
func (c *Checker) Lint(t testing.TB) (refs, schemas int) {
	t.Helper()
	root := c.Doc()
	if v, _ := root["openapi"].(string); !strings.HasPrefix(v, "3.1.") {
		t.Errorf("openapi is %q, want 3.1.x", v)
	}
	info, _ := root["info"].(map[string]any)
	if s, _ := info["title"].(string); s == "" {
		t.Errorf("info has no title")
	}
	if s, _ := info["version"].(string); s == "" {
		t.Errorf("info has no version")
	}
	schemes, _ := mapAt(root, "components", "securitySchemes")
	tags := map[string]bool{}
	list, _ := root["tags"].([]any)
	for _, tg := range list {
		if m, ok := tg.(map[string]any); ok {
			name, _ := m["name"].(string)
			tags[name] = true
		}
	}

	ids := map[string]string{}
	for _, o := range c.ops {
		if o.ID == "" {
			t.Errorf("%s has no operationId", o.Key())
		} else if prev, dup := ids[o.ID]; dup {
			t.Errorf("operationId %q of %s is also %s's", o.ID, o.Key(), prev)
		}
		ids[o.ID] = o.Key()
		if s, _ := o.obj["summary"].(string); s == "" {
			t.Errorf("%s has no summary", o.Key())
		}
		if s, _ := o.obj["description"].(string); s == "" {
			t.Errorf("%s has no description", o.Key())
		}
		opTags, _ := o.obj["tags"].([]any)
		for _, tg := range opTags {
			if name, _ := tg.(string); !tags[name] {
				t.Errorf("%s: tag %q is not declared", o.Key(), fmt.Sprint(tg))
			}
		}
		sec, ok := o.obj["security"].([]any)
		if !ok {
			t.Errorf("%s does not say its security (use [] for public routes)", o.Key())
		}
		for _, req := range sec {
			m, _ := req.(map[string]any)
			for name := range m {
				if schemes[name] == nil {
					t.Errorf("%s: security scheme %q is not declared", o.Key(), name)
				}
			}
		}
		rs, _ := o.obj["responses"].(map[string]any)
		if len(rs) == 0 {
			t.Errorf("%s has no responses", o.Key())
		}
		has2xx := false
		for k := range rs {
			has2xx = has2xx || strings.HasPrefix(k, "2")
			r, _, err := c.Deref(o.ptr + "/responses/" + EscapePointer(k))
			if err != nil {
				t.Errorf("%s %s: %v", o.Key(), k, err)
			} else if d, _ := r["description"].(string); d == "" {
				t.Errorf("%s %s: response without a description", o.Key(), k)
			}
		}
		if !has2xx {
			t.Errorf("%s documents no success answer", o.Key())
		}
		declared := map[string]bool{}
		params, _ := o.obj["parameters"].([]any)
		for i := range params {
			p, _, err := c.Deref(fmt.Sprintf("%s/parameters/%d", o.ptr, i))
			if err != nil {
				t.Errorf("%s: %v", o.Key(), err)
				continue
			}
			if p["in"] == "path" {
				name, _ := p["name"].(string)
				declared[name] = true
				if p["required"] != true {
					t.Errorf("%s: path parameter %q must be required", o.Key(), name)
				}
			}
		}
		for _, seg := range o.segs {
			if name, ok := strings.CutPrefix(seg, "{"); ok {
				name = strings.TrimSuffix(name, "}")
				if !declared[name] {
					t.Errorf("%s: path parameter %q is not declared", o.Key(), name)
				}
				delete(declared, name)
			}
		}
		for _, name := range sortedKeys(declared) {
			t.Errorf("%s: parameter %q is not in the path", o.Key(), name)
		}
	}

	// Every reference resolves; every schema compiles.
	var refList, schemaPtrs []string
	var walk func(v any, ptr string, inSchema bool)
	walk = func(v any, ptr string, inSchema bool) {
		switch x := v.(type) {
		case map[string]any:
			for _, k := range sortedKeys(x) {
				child := x[k]
				cp := ptr + "/" + EscapePointer(k)
				if ref, ok := child.(string); ok && k == "$ref" {
					refList = append(refList, ref)
					continue
				}
				if !inSchema && k == "schema" {
					schemaPtrs = append(schemaPtrs, cp)
					walk(child, cp, true)
					continue
				}
				walk(child, cp, inSchema)
			}
		case []any:
			for i, child := range x {
				walk(child, ptr+"/"+strconv.Itoa(i), inSchema)
			}
		}
	}
	for _, k := range sortedKeys(root) {
		v := root[k]
		if k != "components" {
			walk(v, "/"+EscapePointer(k), false)
			continue
		}
		comps, _ := v.(map[string]any)
		for _, ck := range sortedKeys(comps) {
			if ck != "schemas" {
				walk(comps[ck], "/components/"+EscapePointer(ck), false)
				continue
			}
			named, _ := comps[ck].(map[string]any)
			for _, name := range sortedKeys(named) {
				p := "/components/schemas/" + EscapePointer(name)
				schemaPtrs = append(schemaPtrs, p)
				walk(named[name], p, true)
			}
		}
	}
	for _, ref := range refList {
		if !strings.HasPrefix(ref, "#/") {
			t.Errorf("reference %q is not local", ref)
			continue
		}
		if _, err := c.Resolve(strings.TrimPrefix(ref, "#")); err != nil {
			t.Errorf("reference %q does not resolve: %v", ref, err)
		}
	}
	for _, p := range schemaPtrs {
		if _, err := c.schemaAt(p); err != nil {
			t.Errorf("schema at %s does not compile: %v", p, err)
		}
	}
	return len(refList), len(schemaPtrs)
}

func mapAt(v any, keys ...string) (map[string]any, bool) {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		v = m[k]
	}
	m, ok := v.(map[string]any)
	return m, ok
}
