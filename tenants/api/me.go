package api

// registerMe registers its routes (filled in by its feature).
func (s *Server) registerMe() {}
