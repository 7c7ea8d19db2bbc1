package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/helpdesk"
	"github.com/incrocicomuni/incroci/internal/samplefiles"
	"github.com/incrocicomuni/incroci/toolkit"
	"github.com/incrocicomuni/incroci/training"
)

// ambitiCSV is a copy of ../shared/domain/ambiti.csv: the ambiti of the
// network (slug, name, lead_body, municipalities_known, source).
//
//go:embed demo/ambiti.csv
var ambitiCSV []byte

// demoAmbito is the ambito whose website the hub's home page plays.
const demoAmbito = "lodi"

// adminEmail is the demo network administrator.
const adminEmail = "admin@demo.incroci.it"

// demoPerson is a demo account.
type demoPerson struct {
	Ambito string
	Local  string // the part of the address before @<ambito>.demo.incroci.it
	Name   string
	Roles  []incroci.Role
}

// Email is the person's demo address, on the ambito's institutional domain.
func (d demoPerson) Email() string { return d.Local + "@" + demoDomain(d.Ambito) }

// demoPeople are the demo accounts: a few per role in Lodi, one in Crema.
var demoPeople = []demoPerson{
	{demoAmbito, "coordinatore", "Giulia Ferrari", []incroci.Role{incroci.RoleCoordinator}},
	{demoAmbito, "operatore1", "Marco Bianchi", []incroci.Role{incroci.RoleOperator}},
	{demoAmbito, "operatore2", "Chiara Colombo", []incroci.Role{incroci.RoleOperator}},
	{demoAmbito, "consulente", "Paolo Rinaldi", []incroci.Role{incroci.RoleConsultant}},
	{demoAmbito, "etnoclinica", "Sara Fontana", []incroci.Role{incroci.RoleConsultant}},
	{demoAmbito, "mediatrice", "Amina El Idrissi", []incroci.Role{incroci.RoleMediator}},
	{demoAmbito, "formatore", "Luca Moretti", []incroci.Role{incroci.RoleTrainer}},
	{demoAmbito, "redattrice", "Francesca Galli", []incroci.Role{incroci.RoleEditor}},
	{"crema", "operatore", "Davide Conti", []incroci.Role{incroci.RoleOperator}},
}

// demoDomain is the institutional e-mail domain of a demo ambito.
func demoDomain(slug string) string { return slug + ".demo.incroci.it" }

// readAmbiti parses the embedded ambiti.csv.
func readAmbiti() ([]incroci.AmbitoInput, error) {
	rows, err := csv.NewReader(bytes.NewReader(ambitiCSV)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read ambiti.csv: %w", err)
	}
	if len(rows) < 2 || !slices.Equal(rows[0][:4], []string{"slug", "name", "lead_body", "municipalities_known"}) {
		return nil, errors.New("ambiti.csv: unexpected header")
	}
	out := make([]incroci.AmbitoInput, 0, len(rows)-1)
	for _, r := range rows[1:] {
		in := incroci.AmbitoInput{Slug: r[0], Name: r[1], LeadBody: r[2], Comuni: []string{}}
		for c := range strings.SplitSeq(r[3], ";") {
			if c = strings.TrimSpace(c); c != "" {
				in.Comuni = append(in.Comuni, c)
			}
		}
		for _, c := range demoComuni[in.Slug] {
			if !slices.Contains(in.Comuni, c) {
				in.Comuni = append(in.Comuni, c)
			}
		}
		out = append(out, in)
	}
	return out, nil
}

// demoComuni are comuni of an ambito that ambiti.csv, which lists only the
// municipalities known to it, leaves out and the demo directory has entries
// in: the directory takes a location only in a comune of its ambito.
var demoComuni = map[string][]string{
	"lodi": {"Codogno", "Casalpusterlengo", "Sant'Angelo Lodigiano"},
}

// seed creates the demo data that is missing: every ambito of ambiti.csv,
// the demo accounts and the network administrator. What exists is left as
// it is, so seeding again changes nothing and sends no e-mail. New demo
// accounts are invited, so their invitations (with codes) reach the mailer.
func seed(ctx context.Context, p *incroci.Platform, origins []string, logger *slog.Logger) error {
	ctx = incroci.AsSystem(ctx)
	ambiti, err := readAmbiti()
	if err != nil {
		return err
	}
	created := 0
	for _, in := range ambiti {
		_, err := p.GetAmbito(ctx, in.Slug)
		if err == nil {
			continue
		}
		if !errors.Is(err, incroci.ErrAmbitoNotFound) {
			return fmt.Errorf("look up ambito %s: %w", in.Slug, err)
		}
		in.Origins = origins
		in.EmailDomains = []string{demoDomain(in.Slug)}
		if _, err := p.CreateAmbito(ctx, in); err != nil && !errors.Is(err, incroci.ErrAmbitoExists) {
			return fmt.Errorf("create ambito %s: %w", in.Slug, err)
		}
		created++
	}
	invited := 0
	for _, d := range demoPeople {
		ok, err := hasRoles(ctx, p, d)
		if err != nil {
			return err
		}
		if ok {
			continue
		}
		if _, err := p.Invite(ctx, d.Ambito, incroci.InviteInput{Email: d.Email(), Name: d.Name, Roles: d.Roles}); err != nil {
			return fmt.Errorf("invite %s: %w", d.Email(), err)
		}
		invited++
	}
	if _, err := p.GrantAdmin(ctx, adminEmail, "Elena Ricci"); err != nil {
		return fmt.Errorf("grant admin to %s: %w", adminEmail, err)
	}
	if created > 0 || invited > 0 {
		logger.Info("demo data seeded", "ambiti_created", created, "people_invited", invited, "admin", adminEmail)
	}
	return nil
}

// hasRoles reports whether the demo person already holds all their roles.
func hasRoles(ctx context.Context, p *incroci.Platform, d demoPerson) (bool, error) {
	people, _, err := p.ListPeople(ctx, d.Ambito, incroci.PeopleQuery{Q: d.Email(), PerPage: 100})
	if err != nil {
		return false, fmt.Errorf("look up %s: %w", d.Email(), err)
	}
	for _, x := range people {
		if x.Email != d.Email() {
			continue
		}
		for _, r := range d.Roles {
			if !slices.Contains(x.Roles, r) {
				return false, nil
			}
		}
		return true, nil
	}
	return false, nil
}

// ethnoclinicalTopics are the topics of the demo ethnoclinical desk.
var ethnoclinicalTopics = []helpdesk.TopicInput{
	{Code: "disagio-psichico", LabelIT: "Disagio psichico e salute mentale", LabelEN: "Mental distress and mental health"},
	{Code: "trauma-migrazione", LabelIT: "Trauma e percorso migratorio", LabelEN: "Trauma and the migration journey"},
	{Code: "genitorialita", LabelIT: "Genitorialità tra culture", LabelEN: "Parenting across cultures"},
}

// seedHelpdesk makes the network's two desks, run by the demo ambito for
// every ambito: the legal desk, with the topics of
// ../shared/domain/topics.csv and the demo legal consultant answering, and
// an ethnoclinical team with the demo psychologist. It changes nothing that
// exists.
func seedHelpdesk(ctx context.Context, p *incroci.Platform, hd *helpdesk.Helpdesk) error {
	ctx = incroci.AsSystem(ctx)
	for _, d := range []struct {
		in        helpdesk.DeskInput
		topics    []helpdesk.TopicInput
		answering string // the local part of the demo consultant's address
	}{
		{helpdesk.DeskInput{Slug: "legale", Name: "Sportello giuridico sull'immigrazione", Ambito: demoAmbito, FirstResponseHours: 16, ServesAll: true,
			Description: "Consulenza giuridica agli operatori dei servizi su permessi, ricongiungimenti, cittadinanza e protezione."},
			helpdesk.LegalTopics(), "consulente"},
		{helpdesk.DeskInput{Slug: "etnoclinica", Name: "Équipe etnoclinica", Ambito: demoAmbito, FirstResponseHours: 24, ServesAll: true,
			Description: "Consulenza agli operatori su disagio psichico, traumi e relazioni familiari letti alla luce delle culture d'origine."},
			ethnoclinicalTopics, "etnoclinica"},
	} {
		desk, err := hd.EnsureDesk(ctx, d.in, d.topics)
		if err != nil {
			return err
		}
		members, err := hd.DeskConsultants(ctx, desk.ID)
		if err != nil {
			return err
		}
		if len(members) > 0 {
			continue
		}
		email := d.answering + "@" + demoDomain(demoAmbito)
		people, _, err := p.ListPeople(ctx, demoAmbito, incroci.PeopleQuery{Q: email, PerPage: 10})
		if err != nil {
			return err
		}
		for _, person := range people {
			if person.Email != email {
				continue
			}
			if _, err := hd.AddConsultant(ctx, desk.ID, helpdesk.ConsultantInput{PersonID: person.ID, Manager: true}); err != nil {
				return fmt.Errorf("desk consultant %s: %w", person.Email, err)
			}
		}
	}
	return nil
}

// demoPackage is the demo ambito's package of mediation hours.
const demoPackage = "Mediazione linguistico-culturale FAMI"

// seedMediation gives the demo ambito a package of 40 mediation hours, valid
// from the first day of this year to the last of the next, and the demo
// mediator a profile (Arabic and French, by phone, video or in person, on
// working days from 9 to 18, and a set day on Tuesday mornings at the
// Lodi family centre), so that operators can book a mediator at once.
// It changes nothing that exists.
func seedMediation(ctx context.Context, p *incroci.Platform, hd *helpdesk.Helpdesk, now time.Time) error {
	sys := incroci.AsSystem(ctx)
	// The help desk acts for people only: the package is bought by the
	// ambito's coordinator, each profile is written by its mediator.
	coords, _, err := p.ListPeople(sys, demoAmbito, incroci.PeopleQuery{Role: incroci.RoleCoordinator, PerPage: 1})
	if err != nil || len(coords) == 0 {
		return fmt.Errorf("the demo coordinator: %w", errors.Join(err, errors.New("none found")))
	}
	coord := actAs(ctx, coords[0], incroci.RoleCoordinator)
	pkgs, err := hd.Packages(coord, demoAmbito)
	if err != nil {
		return fmt.Errorf("mediation packages: %w", err)
	}
	if len(pkgs) == 0 {
		_, err := hd.CreatePackage(coord, helpdesk.PackageInput{
			Ambito: demoAmbito, Body: "Azienda Speciale Consortile del Lodigiano", Name: demoPackage,
			ValidFrom: fmt.Sprintf("%d-01-01", now.Year()), ValidTo: fmt.Sprintf("%d-12-31", now.Year()+1),
			Minutes: 40 * 60, Note: "Ore acquistate con il progetto FAMI dell'ambito",
		})
		if err != nil {
			return fmt.Errorf("mediation package: %w", err)
		}
	}
	people, _, err := p.ListPeople(sys, demoAmbito, incroci.PeopleQuery{Role: incroci.RoleMediator, PerPage: 100})
	if err != nil {
		return fmt.Errorf("mediators: %w", err)
	}
	mediators, err := hd.Mediators(coord, demoAmbito)
	if err != nil {
		return fmt.Errorf("mediator profiles: %w", err)
	}
	for _, person := range people {
		if slices.ContainsFunc(mediators, func(m helpdesk.MediatorView) bool { return m.PersonID == person.ID && len(m.Languages) > 0 }) {
			continue
		}
		as := actAs(ctx, person, incroci.RoleMediator)
		in := helpdesk.MediatorProfileInput{
			Languages: []string{"ar", "fr"}, Modes: []string{"phone", "video", "in_person"}, Ambiti: []string{demoAmbito},
			Presences: []helpdesk.ScheduledPresence{{Weekday: 2, Start: "09:00", End: "13:00", Ambito: demoAmbito, Place: "Centro per la famiglia, Via Gorini 4, Lodi"}},
		}
		for wd := 1; wd <= 5; wd++ {
			in.Availability = append(in.Availability, helpdesk.WeeklyInterval{Weekday: wd, Start: "09:00", End: "18:00"})
		}
		if _, err := hd.UpdateMediatorProfile(as, in); err != nil {
			return fmt.Errorf("mediator profile of %s: %w", person.Email, err)
		}
	}
	return nil
}

// actAs returns a context acting as a demo person of the demo ambito with
// one of their roles there, for the seed only.
func actAs(ctx context.Context, person incroci.PersonInAmbito, role incroci.Role) context.Context {
	return incroci.WithPrincipal(ctx, &incroci.Principal{PersonID: person.ID, Email: person.Email, Name: person.Name,
		Grants: []incroci.Grant{{Ambito: demoAmbito, Role: role}}})
}

// demoSheets are the toolkit's demo sheets: a procedure sheet for the
// operators and a handout for citizens, both of the network.
var demoSheets = []toolkit.SheetInput{
	{Audience: toolkit.AudienceOperators, Topics: []string{"permesso-soggiorno"}, Title: "Rinnovo del permesso di soggiorno",
		Sections: map[string]string{
			"what":   "Il permesso di soggiorno si rinnova **prima della scadenza** (almeno 60 giorni prima per quelli di lunga durata).",
			"who":    "Cittadini di Paesi non UE con un permesso in scadenza.",
			"how":    "1. Compilare il kit postale.\n2. Spedirlo dall'ufficio postale abilitato.\n3. Presentarsi in Questura alla data della convocazione.",
			"needed": "- passaporto valido\n- permesso in scadenza\n- marca da bollo da 16 euro\n- documentazione sul motivo del soggiorno",
			"where":  "Uffici postali con Sportello Amico; Questura di Lodi, Ufficio Immigrazione.",
		}},
	{Audience: toolkit.AudienceCitizens, Topics: []string{"salute"}, Title: "Iscriversi al Servizio Sanitario Nazionale",
		Sections: map[string]string{
			"what":   "Con l'iscrizione al Servizio Sanitario Nazionale hai il medico di famiglia e le cure come i cittadini italiani.",
			"needed": "- permesso di soggiorno o ricevuta\n- codice fiscale\n- autocertificazione di residenza",
			"where":  "Sportello scelta e revoca dell'ASST del tuo distretto.",
		}},
}

// demoSources are the legal sources of the network the demo sheets rest
// on, by index: demoSheetSources[i] lists those of demoSheets[i].
var demoSources = []toolkit.SourceInput{
	{Kind: toolkit.SourceLaw, Title: "Testo unico sull'immigrazione, art. 5 (permesso di soggiorno)",
		Reference: "D.Lgs. 25 luglio 1998, n. 286, art. 5", URL: "https://www.normattiva.it/uri-res/N2Ls?urn:nir:stato:decreto.legislativo:1998-07-25;286~art5",
		Version: "Testo vigente", ValidFrom: "1998-08-18"},
	{Kind: toolkit.SourceLaw, Title: "Regolamento di attuazione del testo unico, art. 13 (rinnovo del permesso)",
		Reference: "D.P.R. 31 agosto 1999, n. 394, art. 13", URL: "https://www.normattiva.it/uri-res/N2Ls?urn:nir:stato:decreto.del.presidente.della.repubblica:1999-08-31;394~art13",
		Version: "Testo vigente", ValidFrom: "1999-11-17"},
	{Kind: toolkit.SourceLaw, Title: "Testo unico sull'immigrazione, art. 34 (assistenza sanitaria)",
		Reference: "D.Lgs. 25 luglio 1998, n. 286, art. 34", URL: "https://www.normattiva.it/uri-res/N2Ls?urn:nir:stato:decreto.legislativo:1998-07-25;286~art34",
		Version: "Testo vigente", ValidFrom: "1998-08-18"},
}

// demoSheetSources are the indexes in demoSources of each demo sheet's
// sources.
var demoSheetSources = [][]int{{0, 1}, {2}}

// demoTranslations are the translations of the citizens' handout (the
// second demo sheet): English, and Arabic, laid out right to left and
// checked by the demo mediator.
var demoTranslations = map[string]toolkit.TranslationInput{
	"en": {Title: "Registering with the National Health Service", Sections: map[string]string{
		"what":   "Registering with the National Health Service gives you a family doctor and the same care as Italian citizens.",
		"needed": "- residence permit or its receipt\n- tax code (codice fiscale)\n- self-declaration of residence",
		"where":  "The \"scelta e revoca\" desk of the ASST of your district.",
	}},
	"ar": {Title: "التسجيل في الخدمة الصحية الوطنية", Sections: map[string]string{
		"what":   "بالتسجيل في الخدمة الصحية الوطنية يكون لك طبيب أسرة وتحصل على العلاج مثل المواطنين الإيطاليين.",
		"needed": "- تصريح الإقامة أو إيصال طلبه\n- الرمز الضريبي (codice fiscale)\n- إقرار ذاتي بالسكن",
		"where":  "مكتب اختيار الطبيب وإلغائه (scelta e revoca) في ASST منطقتك.",
	}},
}

// seedToolkit proposes the demo sheets as the demo operator and publishes
// them as the demo editor, with their legal sources and the handout's
// translations, when the toolkit has no sheet yet; and writes the demo
// directory of services when it is empty.
func seedToolkit(ctx context.Context, p *incroci.Platform, tk *toolkit.Toolkit) error {
	sys := incroci.AsSystem(ctx)
	_, n, err := tk.List(sys, toolkit.SheetQuery{})
	if err != nil {
		return err
	}
	person := func(local string, role incroci.Role) (context.Context, error) {
		email := local + "@" + demoDomain(demoAmbito)
		people, _, err := p.ListPeople(sys, demoAmbito, incroci.PeopleQuery{Q: email, PerPage: 10})
		if err != nil || len(people) != 1 {
			return nil, fmt.Errorf("demo person %s: %w", email, errors.Join(err, errors.New("not found")))
		}
		return actAs(ctx, people[0], role), nil
	}
	op, err := person("operatore1", incroci.RoleOperator)
	if err != nil {
		return err
	}
	ed, err := person("redattrice", incroci.RoleEditor)
	if err != nil {
		return err
	}
	if err := seedDirectory(ed, tk); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	med, err := person("mediatrice", incroci.RoleMediator)
	if err != nil {
		return err
	}
	sources := make([]int64, len(demoSources))
	for i, in := range demoSources {
		v, err := tk.CreateSource(ed, in)
		if err != nil {
			return fmt.Errorf("demo source %q: %w", in.Title, err)
		}
		sources[i] = v.ID
	}
	var handout int64
	for i, in := range demoSheets {
		in.Submit = true
		for _, k := range demoSheetSources[i] {
			in.SourceIDs = append(in.SourceIDs, sources[k])
		}
		v, err := tk.Propose(op, in)
		if err != nil {
			return fmt.Errorf("demo sheet %q: %w", in.Title, err)
		}
		if _, err := tk.Publish(ed, v.ID, toolkit.ReviewInput{RevisionID: v.Revision.ID, Note: "Dati dimostrativi"}); err != nil {
			return fmt.Errorf("publish demo sheet %q: %w", in.Title, err)
		}
		handout = v.ID
	}
	for _, lang := range []string{"en", "ar"} {
		if _, err := tk.WriteTranslation(ed, handout, lang, demoTranslations[lang]); err != nil {
			return fmt.Errorf("demo translation %s: %w", lang, err)
		}
	}
	if _, err := tk.CheckTranslation(med, handout, "ar"); err != nil {
		return fmt.Errorf("check the demo translation ar: %w", err)
	}
	// The handout's checklist, a PDF to print, made now.
	checklist := samplefiles.PDF("Iscrizione al Servizio Sanitario Nazionale: cosa portare",
		"1. Permesso di soggiorno, oppure la ricevuta della domanda.",
		"2. Codice fiscale (tessera o certificato).",
		"3. Autocertificazione di residenza o dichiarazione di domicilio.",
		"4. Documento d'identità o passaporto.",
		"",
		"Sportello scelta e revoca dell'ASST del tuo distretto.",
		"Promemoria dimostrativo del portale incroci.")
	if _, err := tk.Attach(ed, handout, toolkit.AttachmentInput{Title: "Promemoria: cosa portare allo sportello", Lang: "it"},
		"promemoria-iscrizione-ssn.pdf", bytes.NewReader(checklist)); err != nil {
		return fmt.Errorf("demo attachment: %w", err)
	}
	return nil
}

// demoPlace is a demo organization (of the Lodi ambito unless ambito says
// otherwise) with one service at one location. Phone numbers are fictional.
type demoPlace struct {
	ambito   string
	org      toolkit.OrganizationInput
	location toolkit.LocationInput
	service  toolkit.ServiceInput
}

func demoAddress(street, comune, cap string) *toolkit.AddressInput {
	return &toolkit.AddressInput{Address1: street, City: comune, StateProvince: "LO", PostalCode: cap}
}

// cremaAddress is an address in the province of Cremona.
func cremaAddress(street, comune, cap string) *toolkit.AddressInput {
	return &toolkit.AddressInput{Address1: street, City: comune, StateProvince: "CR", PostalCode: cap}
}

func ptr(f float64) *float64 { return &f }

// weekdays are opening hours on the days given, in Italian time.
func weekdays(days, opens, closes string) []toolkit.ScheduleInput {
	return []toolkit.ScheduleInput{{Freq: "WEEKLY", ByDay: days, OpensAt: opens, ClosesAt: closes}}
}

// demoDirectory is the directory of services of the demo ambito.
var demoDirectory = []demoPlace{
	{"", toolkit.OrganizationInput{Name: "Comune di Lodi", Description: "Servizi sociali del Comune di Lodi.", Website: "https://www.comune.lodi.it"},
		toolkit.LocationInput{LocationType: "physical", Name: "Servizi sociali – Palazzo Broletto", Latitude: ptr(45.3143), Longitude: ptr(9.5037),
			Address:       demoAddress("Piazza Broletto 1", "Lodi", "26900"),
			Accessibility: []toolkit.AccessibilityInput{{Description: "Ingresso senza gradini dal cortile interno"}}},
		toolkit.ServiceInput{Name: "Segretariato sociale", Status: toolkit.ServiceActive, Kinds: []string{"social-services"}, Topics: []string{"prestazioni", "casa"},
			Description: "Ascolto, informazione e orientamento ai servizi sociali; presa in carico dei cittadini residenti.",
			Phones:      []toolkit.PhoneInput{{Number: "+39 0371 000101", Type: "voice"}}, Schedules: weekdays("MO,WE,FR", "09:00", "12:30"),
			Languages: []toolkit.LanguageInput{{Code: "it", Name: "italiano"}, {Code: "en", Name: "inglese"}}}},
	{"", toolkit.OrganizationInput{Name: "CPIA di Lodi", Description: "Centro provinciale per l'istruzione degli adulti."},
		toolkit.LocationInput{LocationType: "physical", Name: "CPIA – sede di Lodi", Latitude: ptr(45.3097), Longitude: ptr(9.4960),
			Address: demoAddress("Via Fascetti 6", "Lodi", "26900")},
		toolkit.ServiceInput{Name: "Corsi di lingua italiana per adulti stranieri", Status: toolkit.ServiceActive, Kinds: []string{"school"}, Topics: []string{"scuola"},
			Description: "Corsi di italiano dal livello Pre-A1 al B1, test per il permesso UE di lungo periodo, licenza media.",
			Phones:      []toolkit.PhoneInput{{Number: "+39 0371 000202", Type: "voice"}}, Schedules: weekdays("MO,TU,WE,TH", "17:30", "20:30")}},
	{"", toolkit.OrganizationInput{Name: "Caritas Lodigiana", Description: "La Caritas della Diocesi di Lodi."},
		toolkit.LocationInput{LocationType: "physical", Name: "Centro di ascolto", Latitude: ptr(45.3125), Longitude: ptr(9.5010),
			Address: demoAddress("Via Cavour 31", "Lodi", "26900")},
		toolkit.ServiceInput{Name: "Centro di ascolto e sportello stranieri", Status: toolkit.ServiceActive, Kinds: []string{"caritas", "info-desk"}, Topics: []string{"permesso-soggiorno"},
			Description: "Ascolto, aiuti materiali, orientamento per documenti e lavoro.", InterpretationServices: "Volontari che parlano arabo, francese e inglese.",
			Phones: []toolkit.PhoneInput{{Number: "+39 0371 000303", Type: "voice"}}, Schedules: weekdays("TU,TH", "09:30", "12:00"),
			Languages: []toolkit.LanguageInput{{Code: "ar", Name: "arabo"}, {Code: "fr", Name: "francese"}}}},
	{"", toolkit.OrganizationInput{Name: "Questura di Lodi", Description: "Polizia di Stato, Questura di Lodi."},
		toolkit.LocationInput{LocationType: "physical", Name: "Ufficio Immigrazione", Latitude: ptr(45.3165), Longitude: ptr(9.4960),
			Address: demoAddress("Piazzale Forni 1", "Lodi", "26900")},
		toolkit.ServiceInput{Name: "Ufficio Immigrazione", Status: toolkit.ServiceActive, Kinds: []string{"questura"}, Topics: []string{"permesso-soggiorno", "soggiornanti-lungo-periodo"},
			Description: "Rilascio e rinnovo dei permessi di soggiorno, su convocazione.", ApplicationProcess: "Si accede con la convocazione ricevuta dopo l'invio del kit postale.",
			Phones: []toolkit.PhoneInput{{Number: "+39 0371 000404", Type: "voice"}}, Schedules: weekdays("MO,WE,FR", "08:30", "12:30")}},
	{"", toolkit.OrganizationInput{Name: "ASST di Lodi", Description: "Azienda Socio Sanitaria Territoriale di Lodi."},
		toolkit.LocationInput{LocationType: "physical", Name: "Ospedale Maggiore – sportello scelta e revoca", Latitude: ptr(45.3080), Longitude: ptr(9.4900),
			Address: demoAddress("Largo Donatori del Sangue 1", "Lodi", "26900")},
		toolkit.ServiceInput{Name: "Scelta e revoca del medico", Status: toolkit.ServiceActive, Kinds: []string{"health"}, Topics: []string{"salute"},
			Description: "Iscrizione al Servizio Sanitario Nazionale, scelta del medico di famiglia e del pediatra, tessera STP.",
			Phones:      []toolkit.PhoneInput{{Number: "+39 0371 000505", Type: "voice"}}, Schedules: weekdays("MO,TU,WE,TH,FR", "08:30", "12:00")}},
	{"", toolkit.OrganizationInput{Name: "Comune di Codogno", Description: "Servizi sociali del Comune di Codogno."},
		toolkit.LocationInput{LocationType: "physical", Name: "Servizi sociali – Palazzo comunale", Latitude: ptr(45.1600), Longitude: ptr(9.7052),
			Address:       demoAddress("Via Vittorio Emanuele II 4", "Codogno", "26845"),
			Accessibility: []toolkit.AccessibilityInput{{Description: "Ascensore per il primo piano"}},
			Languages:     []toolkit.LanguageInput{{Code: "ar", Name: "arabo", Note: "il giovedì, con la mediatrice"}}},
		toolkit.ServiceInput{Name: "Sportello immigrazione", Status: toolkit.ServiceActive, Kinds: []string{"social-services", "info-desk"}, Topics: []string{"permesso-soggiorno", "ricongiungimento"},
			Description: "Aiuto per i kit postali, il ricongiungimento familiare e le pratiche di residenza.",
			Phones:      []toolkit.PhoneInput{{Number: "+39 0377 000606", Type: "voice"}}, Schedules: weekdays("TH", "14:00", "17:30"),
			Languages: []toolkit.LanguageInput{{Code: "it", Name: "italiano"}, {Code: "fr", Name: "francese"}}}},
	{"", toolkit.OrganizationInput{Name: "Associazione Il Ponte", Description: "Associazione di volontariato per l'accoglienza."},
		toolkit.LocationInput{LocationType: "physical", Name: "Sede dell'associazione", Latitude: ptr(45.1772), Longitude: ptr(9.6508),
			Address: demoAddress("Via Garibaldi 12", "Casalpusterlengo", "26841")},
		toolkit.ServiceInput{Name: "Scuola di italiano del sabato", Status: toolkit.ServiceActive, Kinds: []string{"volunteer", "school"}, Topics: []string{"scuola"},
			Description: "Lezioni di italiano per donne, con spazio bimbi.",
			Phones:      []toolkit.PhoneInput{{Number: "+39 0377 000707", Type: "cell"}}, Schedules: weekdays("SA", "09:30", "11:30"),
			Languages: []toolkit.LanguageInput{{Code: "ar", Name: "arabo"}, {Code: "ur", Name: "urdu"}}}},
	{"crema", toolkit.OrganizationInput{Name: "Comune di Crema", Description: "Servizi sociali del Comune di Crema."},
		toolkit.LocationInput{LocationType: "physical", Name: "Sportello stranieri", Latitude: ptr(45.3621), Longitude: ptr(9.6818),
			Address: cremaAddress("Piazza Duomo 25", "Crema", "26013")},
		toolkit.ServiceInput{Name: "Sportello stranieri", Status: toolkit.ServiceActive, Kinds: []string{"info-desk"}, Topics: []string{"permesso-soggiorno"},
			Description: "Informazioni su permessi di soggiorno, cittadinanza e ricongiungimento.",
			Phones:      []toolkit.PhoneInput{{Number: "+39 0373 000808", Type: "voice"}}, Schedules: weekdays("MO,WE", "09:00", "12:00")}},
}

// seedDirectory writes the demo directory as the demo editor (ed; the
// other ambiti's entries as the system), each entry checked today, when
// the directory has no organization yet.
func seedDirectory(ed context.Context, tk *toolkit.Toolkit) error {
	if page, err := tk.HSDSOrganizations(ed, toolkit.HSDSQuery{}); err != nil || page.TotalItems > 0 {
		return err
	}
	for _, d := range demoDirectory {
		ed := ed
		d.org.Ambito = demoAmbito
		if d.ambito != "" {
			d.org.Ambito, ed = d.ambito, incroci.AsSystem(ed)
		}
		o, err := tk.CreateOrganization(ed, d.org)
		if err != nil {
			return fmt.Errorf("demo organization %q: %w", d.org.Name, err)
		}
		d.location.OrganizationID, d.service.OrganizationID = o.ID, o.ID
		l, err := tk.CreateLocation(ed, d.location)
		if err != nil {
			return fmt.Errorf("demo location %q: %w", d.location.Name, err)
		}
		s, err := tk.CreateService(ed, d.service)
		if err != nil {
			return fmt.Errorf("demo service %q: %w", d.service.Name, err)
		}
		if _, err := tk.CreateServiceAtLocation(ed, toolkit.ServiceAtLocationInput{ServiceID: s.ID, LocationID: l.ID}); err != nil {
			return fmt.Errorf("demo service %q at its location: %w", d.service.Name, err)
		}
		for _, k := range []struct {
			kind toolkit.DirKind
			id   string
		}{{toolkit.DirOrganizations, o.ID}, {toolkit.DirLocations, l.ID}, {toolkit.DirServices, s.ID}} {
			if _, err := tk.MarkDirChecked(ed, k.kind, k.id); err != nil {
				return fmt.Errorf("check demo entry %s: %w", k.id, err)
			}
		}
	}
	return nil
}

// seedTraining adds, once, a demo course of Lodi for its operators and
// mediators, taught by the demo trainer, with one edition open for
// enrolment from now: two mornings two and three weeks on (in person,
// then by video), 12 seats of which 6 are kept for operators and 4 for
// mediators; and a needs survey open for a month to its operators and
// mediators.
func seedTraining(ctx context.Context, p *incroci.Platform, tr *training.Training, now time.Time) error {
	sys := incroci.AsSystem(ctx)
	if _, n, err := tr.Courses(sys, training.CourseQuery{Page: 1, PerPage: 1}); err != nil || n > 0 {
		return err
	}
	person := func(local string) (incroci.PersonInAmbito, error) {
		email := local + "@" + demoDomain(demoAmbito)
		people, _, err := p.ListPeople(sys, demoAmbito, incroci.PeopleQuery{Q: email, PerPage: 10})
		if err != nil || len(people) != 1 {
			return incroci.PersonInAmbito{}, fmt.Errorf("demo person %s: %w", email, errors.Join(err, errors.New("not found")))
		}
		return people[0], nil
	}
	coord, err := person("coordinatore")
	if err != nil {
		return err
	}
	trainer, err := person("formatore")
	if err != nil {
		return err
	}
	as := actAs(ctx, coord, incroci.RoleCoordinator)
	c, err := tr.SaveCourse(as, 0, training.CourseInput{Ambito: demoAmbito, Title: "Ricongiungimento familiare: accogliere le famiglie",
		Goals:    "Conoscere la procedura di ricongiungimento familiare e il lavoro con i mediatori linguistico-culturali nell'accoglienza delle famiglie ricongiunte.",
		Audience: []incroci.Role{incroci.RoleOperator, incroci.RoleMediator}, Topics: []string{"ricongiungimento"}, Hours: 8,
		TrainerIDs: []int64{trainer.ID}, Materials: []training.Material{{Title: "Il ricongiungimento familiare (Ministero dell'Interno)", URL: "https://www.interno.gov.it/it/temi/immigrazione-e-asilo"}}})
	if err != nil {
		return fmt.Errorf("demo course: %w", err)
	}
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		return fmt.Errorf("Europe/Rome: %w", err)
	}
	day := func(days, hour int) time.Time {
		d := now.In(rome).AddDate(0, 0, days)
		return time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, rome)
	}
	_, err = tr.SaveEdition(as, c.ID, 0, training.EditionInput{Title: "Prima edizione", Capacity: 12,
		EnrolFrom: now.Add(-time.Hour).In(rome), EnrolUntil: day(10, 18), CancelUntil: day(12, 18),
		Meetings: []training.MeetingInput{
			{Start: day(14, 9), End: day(14, 13), Place: "Sala riunioni dell'Ufficio di Piano, Lodi"},
			{Start: day(21, 9), End: day(21, 13), VideoURL: "https://meet.example.org/incroci-formazione"},
		},
		Quotas: []training.QuotaInput{{Role: incroci.RoleOperator, Seats: 6}, {Role: incroci.RoleMediator, Seats: 4}}})
	if err != nil {
		return fmt.Errorf("demo edition: %w", err)
	}
	// The needs survey for <incroci-survey>: open for a month to Lodi's
	// operators and mediators, anonymous.
	sv, err := tr.CreateSurvey(as, training.SurveyInput{Ambito: demoAmbito, Title: "Fabbisogni formativi per il prossimo anno",
		Intro:         "Ci aiuta a scegliere i corsi della rete: bastano cinque minuti.",
		AudienceRoles: []string{string(incroci.RoleOperator), string(incroci.RoleMediator)}, OpensAt: now.Add(-time.Hour), ClosesAt: now.AddDate(0, 1, 0),
		Questions: []training.QuestionInput{
			{Kind: training.QuestionSingle, Text: "Da quanti anni lavori con persone migranti?", Required: true, Options: []string{"Meno di 2", "Da 2 a 5", "Più di 5"}},
			{Kind: training.QuestionMultiple, Text: "Con chi lavori più spesso?", Options: []string{"Famiglie", "Minori non accompagnati", "Richiedenti asilo", "Lavoratori"}},
			{Kind: training.QuestionLikert, Text: "Quanto ti senti preparato sulle procedure di soggiorno?", Required: true,
				Labels: []string{"Per niente", "Poco", "Abbastanza", "Molto", "Moltissimo"}},
			{Kind: training.QuestionRanking, Text: "Metti in ordine di importanza questi argomenti", Topics: []string{"ricongiungimento", "lavoro", "salute", "casa"}},
			{Kind: training.QuestionText, Text: "Quale corso ti servirebbe di più?", MaxLength: 500},
		}})
	if err != nil {
		return fmt.Errorf("demo survey: %w", err)
	}
	if _, err := tr.PublishSurvey(as, sv.ID); err != nil {
		return fmt.Errorf("demo survey: publish: %w", err)
	}
	return nil
}
