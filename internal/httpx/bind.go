package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/go-playground/locales/en"
	"github.com/go-playground/locales/it"
	ut "github.com/go-playground/universal-translator"
	"github.com/go-playground/validator/v10"
	en_translations "github.com/go-playground/validator/v10/translations/en"
	it_translations "github.com/go-playground/validator/v10/translations/it"
	"github.com/incrocicomuni/incroci/internal/i18n"
)

// DefaultBodyLimit is the largest JSON body Bind accepts unless told otherwise.
const DefaultBodyLimit int64 = 1 << 20

var (
	validateOnce sync.Once
	validate     *validator.Validate
	translators  map[string]ut.Translator
)

// Validator returns the shared validator (tag "validate", fields named by
// their json tag) with Italian and English messages registered.
func Validator() *validator.Validate {
	validateOnce.Do(func() {
		v := validator.New(validator.WithRequiredStructEnabled())
		v.RegisterTagNameFunc(func(f reflect.StructField) string {
			name := strings.SplitN(f.Tag.Get("json"), ",", 2)[0]
			if name == "-" {
				return ""
			}
			if name == "" {
				return f.Name
			}
			return name
		})
		uni := ut.New(it.New(), it.New(), en.New())
		tIT, _ := uni.GetTranslator("it")
		tEN, _ := uni.GetTranslator("en")
		if err := it_translations.RegisterDefaultTranslations(v, tIT); err != nil {
			panic(err)
		}
		if err := en_translations.RegisterDefaultTranslations(v, tEN); err != nil {
			panic(err)
		}
		registerCustom(v, tIT, tEN)
		validate = v
		translators = map[string]ut.Translator{"it": tIT, "en": tEN}
	})
	return validate
}

// registerCustom adds incroci's own rules and their messages.
func registerCustom(v *validator.Validate, tIT, tEN ut.Translator) {
	rules := []struct {
		tag    string
		fn     validator.Func
		it, en string
	}{
		{"slug", func(fl validator.FieldLevel) bool { return slugRe(fl.Field().String()) },
			"{0} deve contenere solo lettere minuscole, cifre e trattini", "{0} must hold only lowercase letters, digits and hyphens"},
		{"origin", func(fl validator.FieldLevel) bool { return IsOrigin(fl.Field().String()) },
			"{0} deve essere un'origine web come https://www.comune.example.it", "{0} must be a web origin such as https://www.comune.example.it"},
		{"domain", func(fl validator.FieldLevel) bool { return IsDomain(fl.Field().String()) },
			"{0} deve essere un dominio come comune.lodi.it", "{0} must be a domain such as comune.lodi.it"},
		{"nocontrol", func(fl validator.FieldLevel) bool { return !strings.ContainsAny(fl.Field().String(), "\x00\r\n\t\x1b") },
			"{0} non può contenere caratteri di controllo", "{0} must not contain control characters"},
	}
	for _, r := range rules {
		if err := v.RegisterValidation(r.tag, r.fn); err != nil {
			panic(err)
		}
		for _, tr := range []struct {
			t   ut.Translator
			msg string
		}{{tIT, r.it}, {tEN, r.en}} {
			msg := tr.msg
			tag := r.tag
			_ = v.RegisterTranslation(tag, tr.t, func(u ut.Translator) error { return u.Add(tag, msg, true) },
				func(u ut.Translator, fe validator.FieldError) string { s, _ := u.T(tag, fe.Field()); return s })
		}
	}
}

// Validate checks v against its validate tags and returns a *ValidationError
// with localised messages, or nil.
func Validate(lang string, v any) error {
	err := Validator().Struct(v)
	if err == nil {
		return nil
	}
	var ves validator.ValidationErrors
	if !errors.As(err, &ves) {
		return err
	}
	Validator()
	tr := translators[lang]
	if tr == nil {
		tr = translators["it"]
	}
	out := &ValidationError{}
	for _, fe := range ves {
		msg := fe.Translate(tr)
		// Name the field as people know it: "Il servizio", not "service".
		if key := "field." + fe.Field(); i18n.Has(key) {
			label := i18n.T(lang, key)
			if strings.HasPrefix(msg, fe.Field()) {
				label = strings.ToUpper(label[:1]) + label[1:]
			}
			msg = strings.Replace(msg, fe.Field(), label, 1)
		}
		out.Fields = append(out.Fields, FieldIssue{Field: fieldPath(fe), Rule: fe.Tag(), Message: msg})
	}
	return out
}

// fieldPath turns "Request.roles[0]" into "roles[0]".
func fieldPath(fe validator.FieldError) string {
	ns := fe.Namespace()
	if i := strings.IndexByte(ns, '.'); i >= 0 {
		return ns[i+1:]
	}
	return fe.Field()
}

// Bind reads the JSON body into dst strictly and validates it: at most limit
// bytes (DefaultBodyLimit when 0, answered 413), application/json only (415),
// well-formed (400), no unknown fields and no wrong types (422, naming the
// field), then the validate tags (422). dst must be a pointer to a struct.
func Bind(c *gin.Context, dst any, limit int64) error {
	if limit <= 0 {
		limit = DefaultBodyLimit
	}
	if ct := c.GetHeader("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return ErrMediaType
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &TooLargeError{Limit: limit}
		}
		return ErrMalformed
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return ErrMalformed
	}
	if err := DecodeStrict(body, dst); err != nil {
		return err
	}
	return Validate(Lang(c), dst)
}

// DecodeStrict decodes one JSON value from body into dst, refusing unknown
// fields, wrong types and trailing data.
func DecodeStrict(body []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te):
			field := te.Field
			if field == "" {
				field = "body"
			}
			return &ValidationError{Fields: []FieldIssue{{Field: field, Rule: "type", Key: "field.type", Args: []any{jsonType(te.Type)}}}}
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
			return &ValidationError{Fields: []FieldIssue{{Field: name, Rule: "unknown", Key: "field.unknown"}}}
		default:
			return ErrMalformed
		}
	}
	if dec.More() {
		return ErrMalformed
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); err != io.EOF {
		return ErrMalformed
	}
	return nil
}

func jsonType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	default:
		return "object"
	}
}
