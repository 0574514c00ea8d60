package app

import "github.com/cadrehq/cadre/events"

// SetEmitFault makes the recording of events fail with f's error.
func SetEmitFault(a *App, f func(events.Type) error) { a.emitFault = f }
