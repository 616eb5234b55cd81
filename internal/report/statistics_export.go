package report

import (
	"io"
	"strconv"
)

// Words of the statistics CSV, German first.
var statisticsWords = map[string]map[string]string{
	"de": {
		"figure": "Kennzahl", "value": "Wert", "course": "Kurs", "version": "Version", "all": "alle",
		"min_group_size": "Mindestgruppengröße", "suppressed": "Unterdrückt (zu kleine Gruppe)",
		"attempts": "Abgegebene Versuche", "learners": "Personen", "passed": "Bestandene Versuche",
		"pass_rate": "Bestehensquote (%)", "median_score": "Median der Punktzahl (%)", "average_seconds": "Durchschnittliche Dauer (Sekunden)",
		"question_id": "Frage-ID", "question": "Frage", "served": "Gestellt", "correct": "Richtig beantwortet",
		"correct_rate": "Richtig (%)", "option_id": "Falsche Antwort: ID", "option": "Falsche Antwort", "chosen": "Gewählt",
		"chosen_rate": "Gewählt (%)", "yes": "ja", "no": "nein",
	},
	"en": {
		"figure": "Figure", "value": "Value", "course": "Course", "version": "Version", "all": "all",
		"min_group_size": "Minimum group size", "suppressed": "Suppressed (group too small)",
		"attempts": "Submitted attempts", "learners": "People", "passed": "Passed attempts",
		"pass_rate": "Pass rate (%)", "median_score": "Median score (%)", "average_seconds": "Average duration (seconds)",
		"question_id": "Question id", "question": "Question", "served": "Served", "correct": "Answered correctly",
		"correct_rate": "Correct (%)", "option_id": "Wrong option: id", "option": "Wrong option", "chosen": "Chosen",
		"chosen_rate": "Chosen (%)", "yes": "yes", "no": "no",
	},
}

// statisticsTable turns the statistics into rows: the figures of the course, an empty line,
// then one line per question and one per wrong option under it. A suppressed course has no
// figures and no questions; a suppressed question no numbers.
func statisticsTable(st CourseStatistics, lang string) [][]string {
	w, ok := statisticsWords[lang]
	if !ok {
		w = statisticsWords["de"]
	}
	yesNo := map[bool]string{true: w["yes"], false: w["no"]}
	version := st.Version
	if version == "" {
		version = w["all"]
	}
	itoa := strconv.Itoa
	out := [][]string{
		{w["figure"], w["value"]},
		{w["course"], st.CourseTitle + " (" + st.Course + ")"},
		{w["version"], version},
		{w["min_group_size"], itoa(st.MinGroupSize)},
		{w["suppressed"], yesNo[st.Suppressed]},
	}
	if st.Suppressed {
		return out
	}
	out = append(out,
		[]string{w["attempts"], itoa(st.Attempts)},
		[]string{w["learners"], itoa(st.Learners)},
		[]string{w["passed"], itoa(st.Passed)},
		[]string{w["pass_rate"], itoa(st.PassRate())},
		[]string{w["median_score"], strconv.FormatFloat(st.MedianScore, 'f', -1, 64)},
		[]string{w["average_seconds"], itoa(st.AverageSeconds)},
		[]string{},
		[]string{w["question_id"], w["question"], w["suppressed"], w["served"], w["learners"], w["correct"], w["correct_rate"],
			w["option_id"], w["option"], w["chosen"], w["chosen_rate"]},
	)
	for _, q := range st.Questions {
		if q.Suppressed {
			out = append(out, []string{q.ID, q.Title, w["yes"], "", "", "", "", "", "", "", ""})
			continue
		}
		out = append(out, []string{q.ID, q.Title, w["no"], itoa(q.Served), itoa(q.Learners), itoa(q.Correct), itoa(q.CorrectRate()), "", "", "", ""})
		for _, o := range q.WrongOptions {
			out = append(out, []string{q.ID, q.Title, w["no"], "", "", "", "", o.ID, o.Text, itoa(o.Chosen), itoa(o.ChosenRate())})
		}
	}
	return out
}

// WriteStatisticsCSV writes the statistics as CSV the way German Excel opens it directly (see
// excelCSV). Every cell goes through safeCell: the course's title, its questions and their
// options are the authors' Markdown, and a text starting with "=" must not become a formula in
// the spreadsheet. The figures are never negative, so no number is changed by it.
func WriteStatisticsCSV(w io.Writer, st CourseStatistics, lang string, sep rune) error {
	rows := statisticsTable(st, lang)
	for _, row := range rows {
		for i := range row {
			row[i] = safeCell(row[i])
		}
	}
	return writeCSVRows(w, rows, sep)
}
