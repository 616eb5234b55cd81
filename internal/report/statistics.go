package report

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/wachsam/wachsam/internal/course"
	"github.com/wachsam/wachsam/internal/learning"
	"github.com/wachsam/wachsam/internal/model"
	"github.com/wachsam/wachsam/internal/store"
)

// CourseStatistics describes how one course's quiz went in a municipality, over submitted
// attempts: of every version, or of one. When Suppressed, fewer distinct people than the
// minimum group size took it (or its numbers would let a small group's be worked out from
// another answer), and nothing is computed: no counts and no questions.
type CourseStatistics struct {
	Course       string
	CourseTitle  string
	Version      string // "" = every version
	MinGroupSize int
	Suppressed   bool

	Attempts       int
	Learners       int // distinct people
	Passed         int // attempts
	MedianScore    float64
	AverageSeconds int // from starting an attempt to submitting it
	Questions      []QuestionStatistics
	GeneratedAt    time.Time
}

// PassRate is the share of passed attempts in percent, rounded down.
func (s CourseStatistics) PassRate() int { return percent(s.Passed, s.Attempts) }

// QuestionStatistics is one question over the attempts that were served it (quizzes may draw
// a subset). When Suppressed, fewer than the minimum group size of people were served it, and
// it carries no numbers.
type QuestionStatistics struct {
	ID         string
	Title      string
	Type       string // single or multiple
	Suppressed bool

	Served       int // attempts that showed the question
	Learners     int // distinct people it was shown to
	Correct      int // attempts that answered it correctly (the scoring rule)
	WrongOptions []OptionStatistics
}

// CorrectRate is the share of attempts that answered correctly, in percent, rounded down.
func (q QuestionStatistics) CorrectRate() int { return percent(q.Correct, q.Served) }

// OptionStatistics is how often a wrong option was chosen.
type OptionStatistics struct {
	ID     string
	Text   string // plain text
	Chosen int    // attempts that chose it
	Served int    // attempts that showed its question
}

// ChosenRate is the share of the question's attempts that chose the option, in percent,
// rounded down.
func (o OptionStatistics) ChosenRate() int { return percent(o.Chosen, o.Served) }

func percent(n, of int) int {
	if of == 0 {
		return 0
	}
	return n * 100 / of
}

// StatisticsQuery chooses the course, the version (its content hash as the courses API shows
// it; "" = all) and the language of question texts.
type StatisticsQuery struct {
	Course   string
	Version  string
	Language string
}

// Statistics computes a course's statistics for the municipality. Small groups are
// suppressed before anything is returned, so no format can show more than the JSON.
func (s *Service) Statistics(ctx context.Context, tenant model.Tenant, q StatisticsQuery) (CourseStatistics, error) {
	entry, err := s.catalog.Get(q.Course, false)
	if err != nil {
		return CourseStatistics{}, err
	}
	lang := entry.Course.PickLanguage(q.Language)
	out := CourseStatistics{Course: q.Course, CourseTitle: entry.Course.TextFor(lang).Title, Version: q.Version,
		MinGroupSize: tenant.Settings.MinGroupSize, GeneratedAt: s.store.Now()}

	// Every version is decoded before the attempts are read: reading streams on the store's
	// connection, which on SQLite is the only one.
	refs, err := s.store.CourseVersionRefs(ctx, entry.CourseID)
	if err != nil {
		return CourseStatistics{}, err
	}
	versions := map[string]*course.Course{}
	known := false
	for _, r := range refs {
		if versions[r.ID], err = s.catalog.Version(ctx, r.ID); err != nil {
			return CourseStatistics{}, err
		}
		known = known || r.Hash == q.Version
	}
	if q.Version != "" && !known {
		return CourseStatistics{}, &model.DetailedError{Kind: model.ErrNotFound,
			Detail: fmt.Sprintf("The course %q has no version %q; the version is the one GET /api/v1/courses/%s shows.", q.Course, q.Version, q.Course)}
	}

	acc := newAccumulator()
	err = s.store.EachSubmittedAttempt(ctx, tenant.ID, entry.CourseID, func(a store.SubmittedAttempt) error {
		acc.add(a, versions[a.VersionID], q.Version == "" || a.Version == q.Version)
		return nil
	})
	if err != nil {
		return CourseStatistics{}, err
	}
	acc.fill(&out, entry.Course, lang, tenant.Settings.MinGroupSize)
	return out, nil
}

// accumulator collects the attempts in one pass. Learners are counted per version as well, for
// the suppression across versions (see hiddenVersions).
type accumulator struct {
	learners      set            // selected attempts
	byVersion     map[string]set // every attempt, by version hash
	attempts      int
	passed        int
	scores        []int
	seconds       int64
	questions     map[string]*questionAcc
	questionOrder []string
}

type questionAcc struct {
	stat      QuestionStatistics
	learners  set            // selected attempts
	byVersion map[string]set // every attempt, by version hash
	options   map[string]*OptionStatistics
	text      *course.Question // the newest version's, for titles and option texts
}

type set map[string]bool

func newAccumulator() *accumulator {
	return &accumulator{learners: set{}, byVersion: map[string]set{}, questions: map[string]*questionAcc{}}
}

func addTo(m map[string]set, key, user string) {
	if m[key] == nil {
		m[key] = set{}
	}
	m[key][user] = true
}

func (acc *accumulator) add(a store.SubmittedAttempt, crs *course.Course, selected bool) {
	addTo(acc.byVersion, a.Version, a.UserID)
	served, answers := learning.DecodeAttempt(a.Questions, a.Answers)
	for _, qid := range served {
		var question *course.Question
		if crs != nil && crs.Quiz != nil {
			question = crs.Quiz.Question(qid)
		}
		if question == nil {
			continue // not in the version it was drawn from: cannot happen with stored versions
		}
		qa := acc.questions[qid]
		if qa == nil {
			qa = &questionAcc{stat: QuestionStatistics{ID: qid}, learners: set{}, byVersion: map[string]set{}, options: map[string]*OptionStatistics{}}
			acc.questions[qid] = qa
			acc.questionOrder = append(acc.questionOrder, qid)
		}
		addTo(qa.byVersion, a.Version, a.UserID)
		if !selected {
			continue
		}
		qa.text = question // attempts come oldest first: the last one seen is the newest
		qa.learners[a.UserID] = true
		qa.stat.Served++
		chosen := answers[qid]
		if learning.AnsweredCorrectly(question, chosen) {
			qa.stat.Correct++
		}
		correct := question.CorrectIDs()
		for _, oid := range question.OptionIDs {
			if slices.Contains(correct, oid) {
				continue
			}
			o := qa.options[oid]
			if o == nil {
				o = &OptionStatistics{ID: oid}
				qa.options[oid] = o
			}
			if slices.Contains(chosen, oid) {
				o.Chosen++
			}
		}
	}
	if !selected {
		return
	}
	acc.learners[a.UserID] = true
	acc.attempts++
	if a.Passed {
		acc.passed++
	}
	acc.scores = append(acc.scores, a.Score)
	acc.seconds += int64(a.SubmittedAt.Sub(a.StartedAt).Seconds())
}

// fill writes the figures into out, or marks what must stay hidden. Questions come in the
// order of the current version (current), then those it no longer has.
func (acc *accumulator) fill(out *CourseStatistics, current *course.Course, lang string, min int) {
	if len(acc.learners) < min || out.Version != "" && hiddenVersions(acc.byVersion, min)[out.Version] {
		out.Suppressed = true
		return
	}
	out.Attempts, out.Learners, out.Passed = acc.attempts, len(acc.learners), acc.passed
	out.MedianScore = median(acc.scores)
	out.AverageSeconds = int(acc.seconds / int64(acc.attempts))
	for _, qid := range acc.questionOrder {
		qa := acc.questions[qid]
		if qa.text == nil {
			continue // served only in versions not asked for
		}
		text := qa.text.TextFor(lang)
		st := QuestionStatistics{ID: qid, Title: text.Title, Type: qa.text.Type}
		if len(qa.learners) < min || out.Version != "" && hiddenVersions(qa.byVersion, min)[out.Version] {
			st.Suppressed = true
			out.Questions = append(out.Questions, st)
			continue
		}
		st.Served, st.Learners, st.Correct = qa.stat.Served, len(qa.learners), qa.stat.Correct
		for _, o := range qa.options {
			o.Served = st.Served
			if i := slices.Index(qa.text.OptionIDs, o.ID); i >= 0 {
				o.Text = plainText(text.Options[i].HTML)
			}
			st.WrongOptions = append(st.WrongOptions, *o)
		}
		// Most often chosen first: that is what authors look for; then the version's order.
		slices.SortStableFunc(st.WrongOptions, func(a, b OptionStatistics) int {
			if a.Chosen != b.Chosen {
				return b.Chosen - a.Chosen
			}
			return optionPos(qa.text, a.ID) - optionPos(qa.text, b.ID)
		})
		out.Questions = append(out.Questions, st)
	}
	pos := func(id string) int {
		if current.Quiz != nil {
			for i, q := range current.Quiz.Questions {
				if q.ID == id {
					return i
				}
			}
		}
		return 1 << 30
	}
	slices.SortStableFunc(out.Questions, func(a, b QuestionStatistics) int { return pos(a.ID) - pos(b.ID) })
}

func optionPos(q *course.Question, id string) int {
	if i := slices.Index(q.OptionIDs, id); i >= 0 {
		return i
	}
	return len(q.OptionIDs)
}

// hiddenVersions returns the versions whose figures must stay hidden because the figures of
// all versions together are visible: every version with fewer people than min, and — as
// suppressSmallGroups does for org units — further versions, fewest people first, until the
// hidden ones together hold no fewer than min people. Otherwise "all versions minus the
// visible ones" would give a small group's figures away.
func hiddenVersions(byVersion map[string]set, min int) map[string]bool {
	hidden := map[string]bool{}
	people := set{}
	hide := func(v string) {
		hidden[v] = true
		for u := range byVersion[v] {
			people[u] = true
		}
	}
	keys := make([]string, 0, len(byVersion))
	for v := range byVersion {
		keys = append(keys, v)
	}
	slices.Sort(keys) // a fixed order, so that ties are broken the same way every time
	for _, v := range keys {
		if len(byVersion[v]) < min {
			hide(v)
		}
	}
	for len(people) > 0 && len(people) < min {
		smallest := ""
		for _, v := range keys {
			if !hidden[v] && (smallest == "" || len(byVersion[v]) < len(byVersion[smallest])) {
				smallest = v
			}
		}
		if smallest == "" {
			break
		}
		hide(smallest)
	}
	return hidden
}

func median(xs []int) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return float64(s[n/2])
	}
	return float64(s[n/2-1]+s[n/2]) / 2
}

var tags = regexp.MustCompile(`<[^>]*>`)

// plainText turns an option's rendered inline HTML into text for CSV cells and JSON.
func plainText(h string) string {
	return strings.Join(strings.Fields(html.UnescapeString(tags.ReplaceAllString(h, ""))), " ")
}
