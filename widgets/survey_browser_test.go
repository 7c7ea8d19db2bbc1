package widgets_test

// Browser tests of <incroci-survey>: a needs survey of lodi's coordinator
// answered by an operator in Chromium, on SQLite and PostgreSQL.

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp/kb"
	"gorm.io/gorm"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/testbrowser"
	"github.com/incrocicomuni/incroci/internal/testdb"
	"github.com/incrocicomuni/incroci/training"
)

const surveyW = "incroci-survey"

// TestBrowserSurvey runs <incroci-survey>: the list of surveys open to the
// operator; the anonymous notice; a required question left empty refused
// beside it; each question type answered by keyboard (a radio, a
// checkbox, a Likert point, the ranking reordered with its buttons and the
// move announced, free text with its counter); the thank-you; the
// "already answered" state on coming back and when the API answers 409; a
// mediator outside the audience seeing the API's message; script payloads
// in the title and options as text; axe-core on every view; English; the
// announcement e-mail's link (?incroci_survey=) opening its survey.
func TestBrowserSurvey(t *testing.T) {
	browser := browserTest(t)
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		x := newTrainingHub(t, db)
		co := x.as(trCoord)
		now := time.Now()
		s, err := x.tr.CreateSurvey(co, training.SurveyInput{Ambito: "lodi", Title: tkXSS + " Fabbisogni formativi 2027",
			Intro: "Ci aiuta a scegliere i corsi.\n<script>window.__xss=3</script>", AudienceRoles: []string{"operator"},
			OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(24 * time.Hour),
			Questions: []training.QuestionInput{
				{Kind: "single", Text: "Da quanti anni lavori nei servizi?", Required: true, Options: []string{"Meno di 2", "Da 2 a 5", tkXSS + " Più di 5"}},
				{Kind: "multiple", Text: "Con chi lavori?", Options: []string{"Famiglie", "Minori", "Richiedenti asilo"}},
				{Kind: "likert", Text: "Quanto ti senti preparato sul ricongiungimento?", Required: true,
					Labels: []string{"Per niente", "Poco", "Abbastanza", "Molto", "Moltissimo"}},
				{Kind: "ranking", Text: "Ordina gli argomenti per importanza", Topics: []string{"lavoro", "salute", "casa"}},
				{Kind: "text", Text: "Che cosa ti servirebbe?", Required: true, MaxLength: 200},
			}})
		if err != nil {
			t.Fatal(err)
		}
		if s, err = x.tr.PublishSurvey(co, s.ID); err != nil {
			t.Fatal(err)
		}
		q := func(i int) string { return "#q-" + id64(s.Questions[i].ID) }
		W := func(sel string) string { return in(surveyW, sel) }
		ctx := testbrowser.Tab(t, browser)
		noXSS := func(what string) {
			t.Helper()
			if got := testbrowser.Eval[string](t, ctx, `String(`+testbrowser.QueryAll(W("img, script"))+`.length) + ' ' + typeof window.__xss`); got != "0 undefined" {
				t.Errorf("%s: script payloads became HTML: %s", what, got)
			}
		}

		// Signed out: the sign-in flow, saying why.
		testbrowser.Navigate(t, ctx, x.page("w=survey"))
		testbrowser.WaitText(t, ctx, W("form .note"), "Per rispondere ai questionari")
		testbrowser.Axe(t, ctx, "survey: sign-in")

		// The list: the one survey open to the operator, its title as text.
		x.switchTo(ctx, trOp1, "w=survey")
		testbrowser.WaitText(t, ctx, W("#count"), "Questionari aperti: 1")
		if got := testbrowser.Text(t, ctx, W("#surveys h3")); got != tkXSS+" Fabbisogni formativi 2027" {
			t.Errorf("the list's title %q", got)
		}
		noXSS("the list")
		testbrowser.Axe(t, ctx, "survey: list")
		testbrowser.Focus(t, ctx, W(`button[data-survey="`+id64(s.ID)+`"]`))
		testbrowser.Keys(t, ctx, "\r")
		testbrowser.WaitFor(t, ctx, W("#answers"))
		if f := testbrowser.Focused(t, ctx); f != surveyW+" >>> h2#title" {
			t.Errorf("the survey opened with the focus on %s", f)
		}
		if got := testbrowser.Text(t, ctx, W("#anon")); !strings.Contains(got, "Questionario anonimo") {
			t.Errorf("anonymous notice %q", got)
		}
		if got := testbrowser.Eval[string](t, ctx, `(`+testbrowser.Query(W("#intro"))+`).textContent`); !strings.Contains(got, "<script>window.__xss=3</script>") {
			t.Errorf("intro %q", got)
		}
		if got := testbrowser.Text(t, ctx, W(q(0)+" legend")); got != "Da quanti anni lavori nei servizi? * (obbligatoria)" {
			t.Errorf("a required question's legend %q", got)
		}
		if got := testbrowser.Text(t, ctx, W(q(1)+" legend")); got != "Con chi lavori?" {
			t.Errorf("an optional question's legend %q", got)
		}
		if got := testbrowser.Text(t, ctx, W(q(2))); !strings.Contains(got, "1 – Per niente") || !strings.Contains(got, "5 – Moltissimo") {
			t.Errorf("the Likert scale %q", got)
		}
		if got := testbrowser.Text(t, ctx, W(q(4))); !strings.Contains(got, "Non scrivere dati personali") || !strings.Contains(got, "0 di 200 caratteri") {
			t.Errorf("the free text %q", got)
		}
		noXSS("the form")
		testbrowser.Axe(t, ctx, "survey: form")
		testbrowser.Screenshot(t, ctx, "survey-form")

		// By keyboard: the second option; a checkbox; the fourth point of the scale.
		testbrowser.Focus(t, ctx, W(q(0)+"-0"))
		testbrowser.Keys(t, ctx, kb.ArrowDown)
		testbrowser.Focus(t, ctx, W(q(1)+"-2"))
		testbrowser.Keys(t, ctx, " ")
		testbrowser.Focus(t, ctx, W(q(2)+"-1"))
		testbrowser.Keys(t, ctx, kb.ArrowDown+kb.ArrowDown+kb.ArrowDown)
		checked := testbrowser.Eval[string](t, ctx, `[...`+testbrowser.QueryAll(W("input:checked"))+`].map((e) => e.id).join(' ')`)
		if want := strings.Join([]string{q(0)[1:] + "-1", q(1)[1:] + "-2", q(2)[1:] + "-4"}, " "); checked != want {
			t.Errorf("checked %q, want %q", checked, want)
		}

		// The ranking: "casa" moved up twice by keyboard, the moves announced, the focus kept.
		order := func() string {
			return testbrowser.Eval[string](t, ctx, `[...`+testbrowser.QueryAll(W(q(3)+" li span"))+`].map((e) => e.textContent).join('|')`)
		}
		before := order()
		up := W(q(3) + "-up-casa")
		testbrowser.Focus(t, ctx, up)
		testbrowser.Keys(t, ctx, "\r")
		testbrowser.WaitText(t, ctx, W("#status"), ": ora al posto 2 di 3.")
		if f := testbrowser.Focused(t, ctx); f != surveyW+" >>> button"+q(3)+"-up-casa" {
			t.Errorf("after moving up the focus is on %s", f)
		}
		testbrowser.Keys(t, ctx, " ")
		testbrowser.WaitText(t, ctx, W("#status"), ": ora al posto 1 di 3.")
		// First now, it cannot go up: the focus moves to its Down button.
		if f := testbrowser.Focused(t, ctx); f != surveyW+" >>> button"+q(3)+"-down-casa" {
			t.Errorf("at the top the focus is on %s", f)
		}
		if got := testbrowser.Attr(t, ctx, up, "aria-disabled"); got != "true" {
			t.Errorf("the first topic's Up button: aria-disabled=%q", got)
		}
		after := order()
		if strings.Split(after, "|")[0] != strings.Split(before, "|")[2] || before == after {
			t.Errorf("ranking %q, then %q", before, after)
		}
		testbrowser.Axe(t, ctx, "survey: ranking moved")

		// The required free text left empty: refused beside it, the focus on it.
		testbrowser.Focus(t, ctx, W("#send"))
		testbrowser.Keys(t, ctx, "\r")
		testbrowser.WaitText(t, ctx, W(q(4)+"-err"), "la risposta è obbligatoria")
		if got := testbrowser.Attr(t, ctx, W(q(4)), "aria-invalid"); got != "true" {
			t.Errorf("the empty question is not marked invalid: %q", got)
		}
		if f := testbrowser.Focused(t, ctx); f != surveyW+" >>> textarea"+q(4)+"-text" {
			t.Errorf("after the refusal the focus is on %s", f)
		}
		if !testbrowser.Eval[bool](t, ctx, `(`+testbrowser.Query(W(q(0)+"-err"))+`).hidden`) {
			t.Errorf("an answered question shows an error")
		}
		testbrowser.Axe(t, ctx, "survey: refused")
		if r, _ := x.tr.Results(co, s.ID); r.Responses != 0 {
			t.Errorf("a refused answer counted: %d", r.Responses)
		}
		testbrowser.Keys(t, ctx, "Più mediatori")
		testbrowser.WaitText(t, ctx, W(q(4)+"-count"), "13 di 200 caratteri")
		testbrowser.Focus(t, ctx, W("#send"))
		testbrowser.Keys(t, ctx, "\r")
		testbrowser.WaitText(t, ctx, W("#thanks"), "Grazie!")
		if f := testbrowser.Focused(t, ctx); f != surveyW+" >>> div#thanks" {
			t.Errorf("the thanks took no focus: %s", f)
		}
		testbrowser.Axe(t, ctx, "survey: thanks")
		r, err := x.tr.Results(co, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Responses != 1 || r.Questions[0].Options[1].Count != 1 || r.Questions[1].Options[2].Count != 1 || r.Questions[2].Mean == nil || *r.Questions[2].Mean != 4 ||
			r.Questions[3].Ranking[0].Topic != "casa" || len(r.Questions[4].Texts) != 1 || r.Questions[4].Texts[0] != "Più mediatori" {
			t.Errorf("results %+v", r)
		}

		// Back again: already answered, in the list and on the survey.
		x.switchTo(ctx, trOp1, "w=survey&survey="+id64(s.ID))
		testbrowser.WaitText(t, ctx, W("#already"), "Hai già risposto a questo questionario.")
		testbrowser.Axe(t, ctx, "survey: already answered")

		// Answered elsewhere while the form was open: the API's 409 shows the same state.
		x.switchTo(ctx, trOp2, "w=survey&survey="+id64(s.ID))
		testbrowser.WaitFor(t, ctx, W("#answers"))
		one, three := 0, 3
		txt := "Altrove"
		if err := x.tr.SubmitAnswers(x.as(trOp2), s.ID, training.AnswerInput{Answers: []training.Answer{
			{QuestionID: s.Questions[0].ID, Choice: &one}, {QuestionID: s.Questions[2].ID, Scale: &three}, {QuestionID: s.Questions[4].ID, Text: &txt}}}); err != nil {
			t.Fatal(err)
		}
		testbrowser.Click(t, ctx, W(q(0)+"-0"))
		testbrowser.Click(t, ctx, W(q(2)+"-3"))
		testbrowser.Type(t, ctx, W(q(4)+"-text"), "Di nuovo")
		testbrowser.Click(t, ctx, W("#send"))
		testbrowser.WaitText(t, ctx, W("#already"), "Hai già risposto")
		if r, _ := x.tr.Results(co, s.ID); r.Responses != 2 {
			t.Errorf("responses after a second answer: %d", r.Responses)
		}

		// A mediator is not in the audience: the list is empty, the survey the API's message.
		x.switchTo(ctx, trMed, "w=survey")
		testbrowser.WaitText(t, ctx, W("#empty"), "Non ci sono questionari aperti per te.")
		testbrowser.Axe(t, ctx, "survey: none")
		x.switchTo(ctx, trMed, "w=survey&survey="+id64(s.ID))
		testbrowser.WaitText(t, ctx, W("#error"), "Questionario non trovato.")
		testbrowser.Axe(t, ctx, "survey: not for this person")

		// In English.
		x.switchTo(ctx, trOp1, "w=survey&lang=en")
		testbrowser.WaitText(t, ctx, W("#count"), "Open surveys: 1")
		if got := testbrowser.Text(t, ctx, W("#surveys .note")); got != "Answered" {
			t.Errorf("English list %q", got)
		}
		testbrowser.Axe(t, ctx, "survey: list in English")
		x.p.Invite(x.sys, "lodi", incroci.InviteInput{Email: "operatore3@comune.lodi.it", Name: "Operatore Gialli", Roles: []incroci.Role{incroci.RoleOperator}})
		// The link of the e-mail announcing the survey opens it, then leaves
		// the address; Back goes to the list.
		x.switchTo(ctx, "operatore3@comune.lodi.it", "w=survey&lang=en&incroci_survey="+id64(s.ID))
		testbrowser.WaitText(t, ctx, W("#anon"), "Anonymous survey")
		if got := testbrowser.Eval[string](t, ctx, `location.search`); strings.Contains(got, "incroci_survey") {
			t.Errorf("the announcement's parameter stayed in the address: %s", got)
		}
		testbrowser.WaitFor(t, ctx, W("#back"))
		if got := testbrowser.Text(t, ctx, W(q(4)+"-count")); got != "0 of 200 characters" {
			t.Errorf("English counter %q", got)
		}
		testbrowser.Focus(t, ctx, W("#send"))
		testbrowser.Keys(t, ctx, "\r")
		testbrowser.WaitText(t, ctx, W(q(0)+"-err"), "an answer is required")
		testbrowser.Axe(t, ctx, "survey: refused in English")
	})
}
