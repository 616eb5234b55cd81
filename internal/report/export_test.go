package report

// SetXLSXMaxRows lowers the rows per sheet of the learner export for a test; the returned
// function restores it.
func SetXLSXMaxRows(n int) func() {
	old := xlsxMaxRows
	xlsxMaxRows = n
	return func() { xlsxMaxRows = old }
}
