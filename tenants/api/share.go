package api

// ShareLimits bound what one tenant, or one client address, may take of the
// server at once (issue 17, fair share).
type ShareLimits struct{}

func (l *ShareLimits) defaults() {}
