package training

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/incrocicomuni/incroci"
)

// Results are a survey's answers aggregated by question, and by the
// respondents' role and ambito.
type Results struct {
	SurveyID  int64  `json:"survey_id"`
	Title     string `json:"title"`
	Anonymous bool   `json:"anonymous"`
	// Responses is how many people answered.
	Responses int `json:"responses"`
	// MinCell is the fewest answers a breakdown cell shows, for anonymous
	// surveys (1 when not anonymous).
	MinCell   int              `json:"min_cell"`
	Questions []QuestionResult `json:"questions"`
}

// Tally is what the answers to one question add up to, for everyone or
// for one group.
type Tally struct {
	// Answered is how many answered the question.
	Answered int `json:"answered"`
	// Options: the counts of each option (choices) or point (Likert).
	Options []OptionCount `json:"options"`
	// Mean of a Likert scale; nil when nobody answered or for other kinds.
	Mean *float64 `json:"mean"`
	// Ranking: each topic's average position (1 is first), best first.
	Ranking []TopicRank `json:"ranking"`
}

// OptionCount is how many chose an option or a point of a scale, and
// their share of those who answered the question, in percent.
type OptionCount struct {
	// Value is the option's index, or the point of the scale ("1"–"5").
	Value   string  `json:"value"`
	Label   string  `json:"label"`
	Count   int     `json:"count"`
	Percent float64 `json:"percent"`
}

// TopicRank is a topic's average position in the rankings.
type TopicRank struct {
	Topic        string  `json:"topic"`
	LabelIT      string  `json:"label_it"`
	LabelEN      string  `json:"label_en"`
	MeanPosition float64 `json:"mean_position"`
}

// Breakdown is the tally of one group: a role or an ambito. Suppressed
// cells give no figures at all.
type Breakdown struct {
	Group      string `json:"group"`
	Suppressed bool   `json:"suppressed"`
	Tally
}

// QuestionResult is the results of one question.
type QuestionResult struct {
	QuestionID int64  `json:"question_id"`
	Position   int    `json:"position"`
	Kind       string `json:"kind"`
	Text       string `json:"text"`
	Tally
	// Texts are the free-text answers, in no meaningful order; clients
	// show them as text, never as HTML.
	Texts    []string    `json:"texts"`
	ByRole   []Breakdown `json:"by_role"`
	ByAmbito []Breakdown `json:"by_ambito"`
}

// Results aggregates survey id's answers, for its owners (the
// coordinators of its ambito, admins); every read is audited.
func (t *Training) Results(ctx context.Context, id int64) (*Results, error) {
	s, qs, rs, err := t.resultsData(ctx, id, "training.survey.results")
	if err != nil {
		return nil, err
	}
	minCell := 1
	if s.Anonymous {
		minCell = MinCell
	}
	out := &Results{SurveyID: s.ID, Title: s.Title, Anonymous: s.Anonymous, Responses: len(rs), MinCell: minCell, Questions: []QuestionResult{}}
	for _, q := range qs {
		qr := QuestionResult{QuestionID: q.ID, Position: q.Position, Kind: q.Kind, Text: q.Text, Texts: []string{}}
		answers := answersTo(q.ID, rs)
		qr.Tally = tally(q, answers)
		if q.Kind == QuestionText {
			for _, a := range answers {
				qr.Texts = append(qr.Texts, *a.Text)
			}
		}
		qr.ByRole = breakdown(q, rs, func(r response) string { return r.Role }, minCell)
		qr.ByAmbito = breakdown(q, rs, func(r response) string { return r.Ambito }, minCell)
		out.Questions = append(out.Questions, qr)
	}
	return out, nil
}

// resultsData loads survey id, its questions and its responses (in the
// order of their random ids) for its owners, auditing the read as action.
func (t *Training) resultsData(ctx context.Context, id int64, action string) (*Survey, []Question, []response, error) {
	pr, err := surveyCaller(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	db := t.db.WithContext(ctx)
	s, err := t.ownedSurvey(ctx, db, pr, id)
	if err != nil {
		return nil, nil, nil, err
	}
	var qs []Question
	if err := db.Where("survey_id = ?", id).Order("position").Find(&qs).Error; err != nil {
		return nil, nil, nil, fmt.Errorf("training: results %d: questions: %w", id, err)
	}
	var rs []response
	if err := db.Where("survey_id = ?", id).Order("id").Find(&rs).Error; err != nil {
		return nil, nil, nil, fmt.Errorf("training: results %d: responses: %w", id, err)
	}
	err = t.p.Audit(ctx, nil, incroci.AuditEntry{Ambito: s.Ambito, Action: action, ObjectType: "survey", ObjectID: fmt.Sprint(id)}, nil)
	if err != nil {
		return nil, nil, nil, err
	}
	return s, qs, rs, nil
}

func answersTo(qid int64, rs []response) []Answer {
	var out []Answer
	for _, r := range rs {
		for _, a := range r.Answers {
			if a.QuestionID == qid {
				out = append(out, a)
			}
		}
	}
	return out
}

// tally adds up the answers to q.
func tally(q Question, answers []Answer) Tally {
	t := Tally{Answered: len(answers), Options: []OptionCount{}, Ranking: []TopicRank{}}
	pct := func(n int) float64 {
		if t.Answered == 0 {
			return 0
		}
		return math.Round(float64(n)*1000/float64(t.Answered)) / 10
	}
	switch q.Kind {
	case QuestionSingle, QuestionMultiple:
		counts := make([]int, len(q.Options))
		for _, a := range answers {
			if a.Choice != nil {
				counts[*a.Choice]++
			}
			for _, c := range a.Choices {
				counts[c]++
			}
		}
		for i, o := range q.Options {
			t.Options = append(t.Options, OptionCount{Value: strconv.Itoa(i), Label: o, Count: counts[i], Percent: pct(counts[i])})
		}
	case QuestionLikert:
		var counts [5]int
		sum := 0
		for _, a := range answers {
			counts[*a.Scale-1]++
			sum += *a.Scale
		}
		for i, l := range q.Labels {
			t.Options = append(t.Options, OptionCount{Value: strconv.Itoa(i + 1), Label: l, Count: counts[i], Percent: pct(counts[i])})
		}
		if t.Answered > 0 {
			m := math.Round(float64(sum)*100/float64(t.Answered)) / 100
			t.Mean = &m
		}
	case QuestionRanking:
		if t.Answered == 0 {
			break
		}
		for _, tp := range q.Topics {
			sum := 0
			for _, a := range answers {
				sum += slices.Index(a.Ranking, tp) + 1
			}
			it, en := topicLabels(tp)
			t.Ranking = append(t.Ranking, TopicRank{Topic: tp, LabelIT: it, LabelEN: en,
				MeanPosition: math.Round(float64(sum)*100/float64(t.Answered)) / 100})
		}
		slices.SortStableFunc(t.Ranking, func(a, b TopicRank) int {
			switch {
			case a.MeanPosition < b.MeanPosition:
				return -1
			case a.MeanPosition > b.MeanPosition:
				return 1
			}
			return 0
		})
	}
	return t
}

// breakdown tallies q's answers per group (role or ambito). Groups with
// fewer than minCell answers are suppressed, and when that leaves exactly
// one suppressed group, the smallest other one is suppressed as well, so
// that the suppressed figures cannot be worked out from the total.
func breakdown(q Question, rs []response, group func(response) string, minCell int) []Breakdown {
	byGroup := map[string][]Answer{}
	for _, r := range rs {
		for _, a := range r.Answers {
			if a.QuestionID == q.ID {
				byGroup[group(r)] = append(byGroup[group(r)], a)
			}
		}
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range byGroup {
			if !yield(k) {
				return
			}
		}
	})
	out := make([]Breakdown, 0, len(names))
	suppressed := 0
	for _, g := range names {
		b := Breakdown{Group: g, Suppressed: len(byGroup[g]) < minCell}
		if b.Suppressed {
			suppressed++
		}
		out = append(out, b)
	}
	if suppressed == 1 && len(out) > 1 {
		smallest := -1
		for i, b := range out {
			if !b.Suppressed && (smallest < 0 || len(byGroup[b.Group]) < len(byGroup[out[smallest].Group])) {
				smallest = i
			}
		}
		out[smallest].Suppressed = true
	}
	for i := range out {
		if out[i].Suppressed {
			out[i].Tally = Tally{Options: []OptionCount{}, Ranking: []TopicRank{}}
			continue
		}
		out[i].Tally = tally(q, byGroup[out[i].Group])
	}
	return out
}

func topicLabels(code string) (it, en string) {
	for _, tp := range Topics() {
		if tp.Code == code {
			return tp.LabelIT, tp.LabelEN
		}
	}
	return code, code
}

// ExportCSV writes survey id's responses to w as CSV, one row per
// response in the order of their random ids: the response's id, the
// person's id for surveys that are not anonymous, ambito, role, and one
// column per question. For an anonymous survey the ambito and role of a
// row are left blank when fewer than MinCell responses share them. Cells
// that a spreadsheet would take for a formula are prefixed with '. For the
// survey's owners; audited.
func (t *Training) ExportCSV(ctx context.Context, id int64, w io.Writer) error {
	s, qs, rs, err := t.resultsData(ctx, id, "training.survey.export")
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	head := []string{"response"}
	if !s.Anonymous {
		head = append(head, "person_id")
	}
	head = append(head, "ambito", "role")
	for _, q := range qs {
		head = append(head, fmt.Sprintf("Q%d %s", q.Position, q.Text))
	}
	if err := cw.Write(safeCells(head)); err != nil {
		return fmt.Errorf("training: export %d: %w", id, err)
	}
	pairs := map[[2]string]int{}
	for _, r := range rs {
		pairs[[2]string{r.Ambito, r.Role}]++
	}
	for _, r := range rs {
		row := []string{r.ID}
		if !s.Anonymous {
			pid := ""
			if r.PersonID != nil {
				pid = strconv.FormatInt(*r.PersonID, 10)
			}
			row = append(row, pid)
		}
		if s.Anonymous && pairs[[2]string{r.Ambito, r.Role}] < MinCell {
			row = append(row, "", "")
		} else {
			row = append(row, r.Ambito, r.Role)
		}
		for _, q := range qs {
			row = append(row, csvAnswer(q, r.Answers))
		}
		if err := cw.Write(safeCells(row)); err != nil {
			return fmt.Errorf("training: export %d: %w", id, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("training: export %d: %w", id, err)
	}
	return nil
}

func csvAnswer(q Question, as []Answer) string {
	for _, a := range as {
		if a.QuestionID != q.ID {
			continue
		}
		switch q.Kind {
		case QuestionSingle:
			return q.Options[*a.Choice]
		case QuestionMultiple:
			labels := make([]string, len(a.Choices))
			for i, c := range a.Choices {
				labels[i] = q.Options[c]
			}
			return strings.Join(labels, "; ")
		case QuestionLikert:
			return strconv.Itoa(*a.Scale)
		case QuestionRanking:
			return strings.Join(a.Ranking, " > ")
		case QuestionText:
			return *a.Text
		}
	}
	return ""
}

// safeCells keeps spreadsheets from running cells as formulas.
func safeCells(row []string) []string {
	for i, c := range row {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			row[i] = "'" + c
		}
	}
	return row
}
