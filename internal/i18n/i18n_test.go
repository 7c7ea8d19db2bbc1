package i18n

import "testing"

func TestFromAcceptLanguage(t *testing.T) {
	for h, want := range map[string]string{
		"": IT, "it-IT": IT, "en": EN, "en-GB,en;q=0.9": EN, "de-DE": IT, "fr;q=0.9,en;q=0.5": EN,
		"ar,it;q=0.5": IT, "garbage;;": IT,
	} {
		if got := FromAcceptLanguage(h); got != want {
			t.Errorf("%q: %s, want %s", h, got, want)
		}
	}
}

func TestT(t *testing.T) {
	Register(map[string]Text{"test.hello": {IT: "Ciao %s", EN: "Hello %s"}})
	if T(EN, "test.hello", "Ada") != "Hello Ada" || T(IT, "test.hello", "Ada") != "Ciao Ada" {
		t.Fatal("formatting")
	}
	if T(IT, "missing.key") != "missing.key" {
		t.Fatal("a missing key shows itself")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("registering a key twice must panic")
		}
	}()
	Register(map[string]Text{"test.hello": {}})
}
