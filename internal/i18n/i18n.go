// Package i18n holds the messages incroci sends to people, in Italian (the
// default) and English, and picks the language from Accept-Language.
package i18n

import (
	"fmt"
	"strings"
	"sync"

	"golang.org/x/text/language"
)

// Supported languages of the user interface, Italian first.
const (
	IT = "it"
	EN = "en"
)

var matcher = language.NewMatcher([]language.Tag{language.Italian, language.English})

// FromAcceptLanguage returns "it" or "en" for an Accept-Language header,
// Italian when the header is empty or names neither.
func FromAcceptLanguage(header string) string {
	if strings.TrimSpace(header) == "" {
		return IT
	}
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return IT
	}
	_, idx, conf := matcher.Match(tags...)
	if conf == language.No {
		return IT
	}
	if idx == 1 {
		return EN
	}
	return IT
}

// Text is one message in both languages. Either may hold fmt verbs.
type Text struct{ IT, EN string }

var (
	mu      sync.RWMutex
	catalog = map[string]Text{}
)

// Register adds messages to the catalog; a module calls it once from its
// package initialisation of variables. A key registered twice panics, since it
// is a programming error.
func Register(msgs map[string]Text) {
	mu.Lock()
	defer mu.Unlock()
	for k, v := range msgs {
		if _, dup := catalog[k]; dup {
			panic("i18n: message registered twice: " + k)
		}
		catalog[k] = v
	}
}

// Has reports whether key is in the catalog.
func Has(key string) bool {
	mu.RLock()
	defer mu.RUnlock()
	_, ok := catalog[key]
	return ok
}

// T returns the message key in lang, formatted with args. An unknown key is
// returned as it is, so a missing message shows up rather than vanishing.
func T(lang, key string, args ...any) string {
	mu.RLock()
	m, ok := catalog[key]
	mu.RUnlock()
	if !ok {
		return key
	}
	s := m.IT
	if lang == EN && m.EN != "" {
		s = m.EN
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}
