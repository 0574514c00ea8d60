package api

// registerPlans registers its routes (filled in by its feature).
func (s *Server) registerPlans() {}
