package workers

// All returns every worker that `cadre serve` and `cadre worker` run (the
// janitor runs beside them).
func All() []Worker {
	return []Worker{
		Library(),
		Plans(),
		Scoring(nil),
		Analytics(),
	}
}
