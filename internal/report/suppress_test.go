package report

import "testing"

func TestSuppressionCannotBeUndoneBySubtraction(t *testing.T) {
	cases := []struct {
		name   string
		sizes  []int
		hidden []bool
	}{
		{"nothing small", []int{6, 7}, []bool{false, false}},
		{"one small row takes the smallest other with it", []int{2, 9, 6}, []bool{true, false, true}},
		{"two small rows that add up to the minimum", []int{2, 3, 8}, []bool{true, true, false}},
		{"two small rows below the minimum together", []int{1, 2, 8, 6}, []bool{true, true, false, true}},
		{"all small", []int{1, 1}, []bool{true, true}},
	}
	for _, c := range cases {
		rows := make([]Row, len(c.sizes))
		for i, n := range c.sizes {
			rows[i] = Row{OrgUnit: string(rune('a' + i)), Assigned: n}
		}
		suppressSmallGroups(rows, 5)
		for i, r := range rows {
			if r.Suppressed != c.hidden[i] || (r.Suppressed && r.Assigned != 0) {
				t.Errorf("%s: row %d = %+v, want suppressed=%v", c.name, i, r, c.hidden[i])
			}
		}
	}
}

func TestOrgUnitNamesCannotBecomeFormulas(t *testing.T) {
	rep := Compliance{MinGroupSize: 5, Rows: []Row{{OrgUnit: "=HYPERLINK(\"http://evil\")", Assigned: 5, Completed: 5}}, Total: Row{Assigned: 5, Completed: 5}}
	rows := table(rep, "de")
	if got := rows[1][0]; got != "'=HYPERLINK(\"http://evil\")" {
		t.Errorf("unit cell %q", got)
	}
}
