package api

// registerEmployees registers its routes (filled in by its feature).
func (s *Server) registerEmployees() {}
