package httpapi

import (
	"io"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/wachsam/wachsam/internal/httpx"
	"github.com/wachsam/wachsam/internal/report"
)

// A suppressed course or question carries no numbers at all: the pointers stay nil and the
// fields are left out.
type statisticsJSON struct {
	Course         string              `json:"course"`
	CourseTitle    string              `json:"course_title"`
	Version        string              `json:"version,omitempty"`
	MinGroupSize   int                 `json:"min_group_size"`
	Suppressed     bool                `json:"suppressed"`
	Attempts       *int                `json:"attempts,omitempty"`
	Learners       *int                `json:"learners,omitempty"`
	Passed         *int                `json:"passed,omitempty"`
	PassRate       *int                `json:"pass_rate,omitempty"`
	MedianScore    *float64            `json:"median_score,omitempty"`
	AverageSeconds *int                `json:"average_seconds,omitempty"`
	Questions      []questionStatsJSON `json:"questions,omitempty"`
	GeneratedAt    time.Time           `json:"generated_at"`
}

type questionStatsJSON struct {
	ID           string            `json:"id"`
	Title        string            `json:"title"`
	Type         string            `json:"type"`
	Suppressed   bool              `json:"suppressed"`
	Served       *int              `json:"served,omitempty"`
	Learners     *int              `json:"learners,omitempty"`
	Correct      *int              `json:"correct,omitempty"`
	CorrectRate  *int              `json:"correct_rate,omitempty"`
	WrongOptions []wrongOptionJSON `json:"wrong_options,omitempty"`
}

type wrongOptionJSON struct {
	ID         string `json:"id"`
	Text       string `json:"text"`
	Chosen     int    `json:"chosen"`
	ChosenRate int    `json:"chosen_rate"`
}

func statisticsOut(st report.CourseStatistics) statisticsJSON {
	out := statisticsJSON{Course: st.Course, CourseTitle: st.CourseTitle, Version: st.Version, MinGroupSize: st.MinGroupSize,
		Suppressed: st.Suppressed, GeneratedAt: st.GeneratedAt}
	if st.Suppressed {
		return out
	}
	rate := st.PassRate()
	out.Attempts, out.Learners, out.Passed, out.PassRate = &st.Attempts, &st.Learners, &st.Passed, &rate
	out.MedianScore, out.AverageSeconds = &st.MedianScore, &st.AverageSeconds
	out.Questions = make([]questionStatsJSON, len(st.Questions))
	for i, q := range st.Questions {
		qj := questionStatsJSON{ID: q.ID, Title: q.Title, Type: q.Type, Suppressed: q.Suppressed}
		if !q.Suppressed {
			rate := q.CorrectRate()
			qj.Served, qj.Learners, qj.Correct, qj.CorrectRate = &q.Served, &q.Learners, &q.Correct, &rate
			qj.WrongOptions = make([]wrongOptionJSON, len(q.WrongOptions))
			for j, o := range q.WrongOptions {
				qj.WrongOptions[j] = wrongOptionJSON{ID: o.ID, Text: o.Text, Chosen: o.Chosen, ChosenRate: o.ChosenRate()}
			}
		}
		out.Questions[i] = qj
	}
	return out
}

// courseStatistics computes one course's statistics for the municipality in scope (operators
// name it with ?tenant=); ?version= narrows them to one version, ?lang= picks the language of
// question texts.
func (a *API) courseStatistics(c *fiber.Ctx) (report.CourseStatistics, error) {
	t, err := a.ownTenant(c)
	if err != nil {
		return report.CourseStatistics{}, err
	}
	lang := c.Query("lang", httpx.MustPrincipal(c).Language)
	if lang == "" {
		lang = t.Settings.DefaultLanguage
	}
	return a.Reports.Statistics(c.UserContext(), t, report.StatisticsQuery{Course: c.Params("slug"), Version: c.Query("version"), Language: lang})
}

func (a *API) statisticsReport(c *fiber.Ctx) error {
	st, err := a.courseStatistics(c)
	if err != nil {
		return err
	}
	return c.JSON(statisticsOut(st))
}

func (a *API) statisticsCSV(c *fiber.Ctx) error {
	st, err := a.courseStatistics(c)
	if err != nil {
		return err
	}
	return sendFile(c, typeCSV, "statistics-"+st.Course+".csv", func(w io.Writer) error {
		return report.WriteStatisticsCSV(w, st, exportLang(c), csvSeparator(c))
	})
}
