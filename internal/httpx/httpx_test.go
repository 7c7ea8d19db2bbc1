package httpx

import (
	"errors"
	"testing"
)

func TestDecodeStrict(t *testing.T) {
	type in struct {
		Name  string   `json:"name"`
		Count int      `json:"count"`
		Tags  []string `json:"tags"`
	}
	cases := []struct {
		body        string
		field, rule string
		malformed   bool
	}{
		{body: `{"name":"a","count":1}`},
		{body: `{"name":1}`, field: "name", rule: "type"},
		{body: `{"count":"1"}`, field: "count", rule: "type"},
		{body: `{"tags":"a"}`, field: "tags", rule: "type"},
		{body: `{"tags":[1]}`, field: "tags", rule: "type"},
		{body: `{"other":1}`, field: "other", rule: "unknown"},
		{body: `{"name":"a"`, malformed: true},
		{body: `{"name":"a"}x`, malformed: true},
		{body: `{"name":"a"}{"name":"b"}`, malformed: true},
		{body: `nope`, malformed: true},
	}
	for _, c := range cases {
		var v in
		err := DecodeStrict([]byte(c.body), &v)
		switch {
		case c.malformed:
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("%s: %v, want malformed", c.body, err)
			}
		case c.field != "":
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Fields[0].Field != c.field || ve.Fields[0].Rule != c.rule {
				t.Errorf("%s: %v, want %s/%s", c.body, err, c.field, c.rule)
			}
		case err != nil:
			t.Errorf("%s: %v", c.body, err)
		}
	}
}

func TestChecks(t *testing.T) {
	for s, want := range map[string]bool{
		"https://www.comune.lodi.it": true, "http://localhost:8080": true, "https://a.example.it/": false,
		"https://a.example.it/x": false, "ftp://a.example.it": false, "https://user@a.example.it": false,
		"HTTPS://A.EXAMPLE.IT": false, "null": false, "": false,
	} {
		if IsOrigin(s) != want {
			t.Errorf("IsOrigin(%q) = %v", s, !want)
		}
	}
	for s, want := range map[string]bool{"comune.lodi.it": true, "a-b.example.org": true, "localhost": false, "-a.it": false, "a..it": false, "Comune.Lodi.it": false} {
		if IsDomain(s) != want {
			t.Errorf("IsDomain(%q) = %v", s, !want)
		}
	}
}

func TestValidateMessages(t *testing.T) {
	type in struct {
		Email string `json:"email" validate:"required,email"`
		Slug  string `json:"slug" validate:"omitempty,slug"`
	}
	err := Validate("en", &in{Slug: "Bad Slug"})
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Fields) != 2 {
		t.Fatalf("%v", err)
	}
	if ve.Fields[0].Field != "email" || ve.Fields[0].Message != "The e-mail address is a required field" {
		t.Errorf("english: %+v", ve.Fields[0])
	}
	if ve.Fields[1].Rule != "slug" || ve.Fields[1].Message == "" {
		t.Errorf("custom rule: %+v", ve.Fields[1])
	}
	errors.As(Validate("it", &in{}), &ve)
	if ve.Fields[0].Message == "email is a required field" || ve.Fields[0].Message == "" {
		t.Errorf("italian: %+v", ve.Fields[0])
	}
}
