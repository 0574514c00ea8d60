package workers

import "time"

// Options configures the workers All returns.
type Options struct {
	// LibraryMaxStaleness bounds how long an input of a tenant's library
	// waits for a version under continuous input (see
	// LibraryWithMaxStaleness). Default DefaultLibraryMaxStaleness.
	LibraryMaxStaleness time.Duration
}

// All returns every worker that `cadre serve` and `cadre worker` run (the
// janitor runs beside them), with the default Options.
func All() []Worker { return AllWith(Options{}) }

// AllWith returns every worker with the given options.
func AllWith(o Options) []Worker {
	return []Worker{
		LibraryWithMaxStaleness(o.LibraryMaxStaleness),
		Plans(),
		Scoring(nil),
		Analytics(),
	}
}
