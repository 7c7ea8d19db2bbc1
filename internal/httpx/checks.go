package httpx

import (
	"net/url"
	"regexp"
	"strings"
)

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

func slugRe(s string) bool { return len(s) <= 64 && slugPattern.MatchString(s) }

var domainPattern = regexp.MustCompile(`^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)

// IsDomain reports whether s is a lowercase DNS domain such as "comune.lodi.it".
func IsDomain(s string) bool { return len(s) <= 253 && domainPattern.MatchString(s) }

// IsOrigin reports whether s is a bare web origin: scheme http or https, a
// host, an optional port, and nothing else (no path, query or trailing slash).
func IsOrigin(s string) bool {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return false
	}
	return u.Path == "" && u.RawQuery == "" && u.Fragment == "" && u.User == nil &&
		!strings.HasSuffix(s, "/") && strings.ToLower(s) == s
}
