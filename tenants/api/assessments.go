package api

// registerAssessments registers its routes (filled in by its feature).
func (s *Server) registerAssessments() {}
