package api

// registerStream registers its routes (filled in by its feature).
func (s *Server) registerStream() {}
