package incroci_test

import (
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"golang.org/x/text/language"
)

// publiccode is the part of the publiccode.yml standard (version 0.5,
// https://github.com/publiccodeyml/publiccode.yml) that the repository's
// file may use. Decoding is strict: a misspelt key fails the test.
type publiccode struct {
	PubliccodeYmlVersion string             `yaml:"publiccodeYmlVersion"`
	Name                 string             `yaml:"name"`
	ApplicationSuite     string             `yaml:"applicationSuite"`
	URL                  string             `yaml:"url"`
	LandingURL           string             `yaml:"landingURL"`
	IsBasedOn            any                `yaml:"isBasedOn"`
	SoftwareVersion      string             `yaml:"softwareVersion"`
	ReleaseDate          string             `yaml:"releaseDate"`
	Logo                 string             `yaml:"logo"`
	Platforms            []string           `yaml:"platforms"`
	Categories           []string           `yaml:"categories"`
	UsedBy               []string           `yaml:"usedBy"`
	FundedBy             any                `yaml:"fundedBy"`
	Roadmap              string             `yaml:"roadmap"`
	DevelopmentStatus    string             `yaml:"developmentStatus"`
	SoftwareType         string             `yaml:"softwareType"`
	Organisation         any                `yaml:"organisation"`
	IntendedAudience     *pcAudience        `yaml:"intendedAudience"`
	Description          map[string]pcDescr `yaml:"description"`
	Legal                *pcLegal           `yaml:"legal"`
	Maintenance          *pcMaintenance     `yaml:"maintenance"`
	Localisation         *pcLocalisation    `yaml:"localisation"`
	DependsOn            any                `yaml:"dependsOn"`
	IT                   map[string]any     `yaml:"it"`
}

type pcAudience struct {
	Countries            []string `yaml:"countries"`
	UnsupportedCountries []string `yaml:"unsupportedCountries"`
	Scope                []string `yaml:"scope"`
}

type pcDescr struct {
	LocalisedName    string   `yaml:"localisedName"`
	ShortDescription string   `yaml:"shortDescription"`
	LongDescription  string   `yaml:"longDescription"`
	Documentation    string   `yaml:"documentation"`
	APIDocumentation string   `yaml:"apiDocumentation"`
	Features         []string `yaml:"features"`
	Screenshots      []string `yaml:"screenshots"`
	Videos           []string `yaml:"videos"`
	Awards           []string `yaml:"awards"`
}

type pcLegal struct {
	License            string `yaml:"license"`
	MainCopyrightOwner string `yaml:"mainCopyrightOwner"`
}

type pcMaintenance struct {
	Type        string `yaml:"type"`
	Contractors []any  `yaml:"contractors"`
	Contacts    []struct {
		Name        string `yaml:"name"`
		Email       string `yaml:"email"`
		Phone       string `yaml:"phone"`
		Affiliation string `yaml:"affiliation"`
	} `yaml:"contacts"`
}

type pcLocalisation struct {
	LocalisationReady  *bool    `yaml:"localisationReady"`
	AvailableLanguages []string `yaml:"availableLanguages"`
}

// The standard's controlled vocabularies (version 0.5).
var (
	pcPlatforms = []string{"web", "windows", "mac", "linux", "ios", "android"}
	pcStatuses  = []string{"concept", "development", "beta", "stable", "obsolete"}
	pcTypes     = []string{"standalone/mobile", "standalone/iot", "standalone/desktop", "standalone/web",
		"standalone/backend", "standalone/other", "addon", "library", "configurationFiles"}
	pcMaintenanceTypes = []string{"internal", "contract", "community", "none"}
	pcCategories       = strings.Fields(`accounting agile-project-management applicant-tracking
		application-development appointment-scheduling backup billing-and-invoicing blog budgeting
		business-intelligence business-process-management cad call-center-management cloud-management
		collaboration communications compliance-management contact-management content-management crm
		customer-service-and-support data-analytics data-collection data-visualization design design-system
		digital-asset-management digital-citizenship document-management donor-management e-commerce
		e-signature educational-content email-management email-marketing employee-management
		enterprise-project-management enterprise-social-networking erp event-management facility-management
		feedback-and-reviews-management financial-reporting fleet-management fundraising gamification
		geographic-information-systems grant-management graphic-design help-desk hr ide identity-management
		instant-messaging integrated-library-system inventory-management it-asset-management it-development
		it-management it-security it-service-management knowledge-management learning-management-system
		marketing mind-mapping mobile-marketing mobile-payment network-management office online-booking
		online-community payment-gateway payroll predictive-analysis procurement productivity-suite
		project-collaboration project-management property-management real-estate-management
		regulations-and-directives remote-support resource-management sales-management seo service-desk
		social-media-management survey talent-management task-management taxes-management test-management
		time-management time-tracking translation video-conferencing video-editing visitor-management voip
		warehouse-management web-collaboration web-conferencing website-builder whistleblowing
		workflow-management other`)
	pcScopes = strings.Fields(`agriculture culture defence education emergency-services employment energy
		environment finance-and-economic-development foreign-affairs government healthcare infrastructures
		justice local-authorities manufacturing research science-and-technology security society sport
		tourism transportation welfare`)
)

// TestPubliccode checks publiccode.yml against the standard's required keys,
// vocabularies and length rules, so that the catalogue accepts it.
func TestPubliccode(t *testing.T) {
	raw, err := os.ReadFile("publiccode.yml")
	if err != nil {
		t.Fatal(err)
	}
	var pc publiccode
	if err := yaml.UnmarshalWithOptions(raw, &pc, yaml.Strict()); err != nil {
		t.Fatalf("publiccode.yml does not parse as the standard: %v", err)
	}
	errorf := func(format string, args ...any) { t.Helper(); t.Errorf("publiccode.yml: "+format, args...) }

	if pc.PubliccodeYmlVersion != "0.5" {
		errorf("publiccodeYmlVersion = %q; want \"0.5\"", pc.PubliccodeYmlVersion)
	}
	if strings.TrimSpace(pc.Name) == "" {
		errorf("name is required")
	}
	if u, err := url.Parse(pc.URL); err != nil || u.Scheme != "https" || u.Host == "" {
		errorf("url %q must be the repository's https URL", pc.URL)
	}
	if pc.ReleaseDate != "" {
		if _, err := time.Parse(time.DateOnly, pc.ReleaseDate); err != nil {
			errorf("releaseDate %q is not YYYY-MM-DD", pc.ReleaseDate)
		}
	}
	if len(pc.Platforms) == 0 {
		errorf("platforms is required")
	}
	for _, p := range pc.Platforms {
		if !slices.Contains(pcPlatforms, p) {
			t.Logf("platform %q is not one of the predefined values %v (allowed, but check)", p, pcPlatforms)
		}
	}
	for _, c := range pc.Categories {
		if !slices.Contains(pcCategories, c) {
			errorf("category %q is not in the standard's list", c)
		}
	}
	if !slices.Contains(pcStatuses, pc.DevelopmentStatus) {
		errorf("developmentStatus %q: want one of %v", pc.DevelopmentStatus, pcStatuses)
	}
	if !slices.Contains(pcTypes, pc.SoftwareType) {
		errorf("softwareType %q: want one of %v", pc.SoftwareType, pcTypes)
	}
	if a := pc.IntendedAudience; a != nil {
		for _, s := range a.Scope {
			if !slices.Contains(pcScopes, s) {
				errorf("intendedAudience.scope %q is not in the standard's list", s)
			}
		}
		for _, c := range append(slices.Clone(a.Countries), a.UnsupportedCountries...) {
			if len(c) != 2 || strings.ToLower(c) != c {
				errorf("country %q: want a lowercase ISO 3166-1 alpha-2 code", c)
			}
		}
	}

	if len(pc.Description) == 0 {
		errorf("description needs at least one language")
	}
	hasLong, hasFeatures := false, false
	for lang, d := range pc.Description {
		if _, err := language.Parse(lang); err != nil {
			errorf("description.%s: not a BCP 47 tag", lang)
		}
		n := utf8.RuneCountInString(strings.TrimSpace(d.ShortDescription))
		if n == 0 || n > 150 {
			errorf("description.%s.shortDescription has %d characters; want 1 to 150", lang, n)
		}
		if strings.Contains(strings.TrimSpace(d.ShortDescription), "\n") {
			errorf("description.%s.shortDescription must be a single line", lang)
		}
		if d.LongDescription != "" {
			hasLong = true
			if n := utf8.RuneCountInString(d.LongDescription); n < 150 || n > 10000 {
				errorf("description.%s.longDescription has %d characters; want 150 to 10000", lang, n)
			}
		}
		if len(d.Features) > 0 {
			hasFeatures = true
		}
		for _, f := range d.Features {
			if strings.TrimSpace(f) == "" {
				errorf("description.%s.features has an empty entry", lang)
			}
		}
	}
	if !hasLong || !hasFeatures {
		errorf("longDescription and features are required in at least one language")
	}
	for _, lang := range []string{"it", "en"} {
		if _, ok := pc.Description[lang]; !ok {
			errorf("description.%s is missing: incroci describes itself in Italian and English", lang)
		}
	}

	if pc.Legal == nil || pc.Legal.License != "BSD-3-Clause" {
		errorf("legal.license must be BSD-3-Clause (the LICENSE file)")
	}
	if m := pc.Maintenance; m == nil || !slices.Contains(pcMaintenanceTypes, m.Type) {
		errorf("maintenance.type is required: one of %v", pcMaintenanceTypes)
	} else {
		if (m.Type == "internal" || m.Type == "community") && len(m.Contacts) == 0 {
			errorf("maintenance.contacts is required when maintenance.type is %s", m.Type)
		}
		if (m.Type == "contract") != (len(m.Contractors) > 0) {
			errorf("maintenance.contractors goes with maintenance.type contract, and only with it")
		}
		for i, c := range m.Contacts {
			if strings.TrimSpace(c.Name) == "" {
				errorf("maintenance.contacts[%d].name is required", i)
			}
		}
	}
	if l := pc.Localisation; l == nil || l.LocalisationReady == nil || len(l.AvailableLanguages) == 0 {
		errorf("localisation.localisationReady and localisation.availableLanguages are required")
	} else {
		for _, lang := range l.AvailableLanguages {
			if _, err := language.Parse(lang); err != nil {
				errorf("localisation.availableLanguages: %q is not a BCP 47 tag", lang)
			}
		}
	}
}
