package api

// registerAnalytics registers its routes (filled in by its feature).
func (s *Server) registerAnalytics() {}
