package main

import "net"

// DefaultOpsAddr is where `cadre api` (and `cadre serve` off loopback)
// serves /metrics, /healthz and /readyz unless CADRE_METRICS_ADDR says
// otherwise: loopback, so that only the host's scraper reaches it.
const DefaultOpsAddr = "127.0.0.1:9090"

// metricsPlacement says where a process with the API serves /metrics: on
// the API port itself only in development, which is `cadre serve` on a
// loopback address without CADRE_METRICS_ADDR; otherwise on its own
// address, CADRE_METRICS_ADDR or DefaultOpsAddr, and not on the API port.
func metricsPlacement(cfg Config, r roles) (opsAddr string, onAPI bool) {
	if cfg.MetricsAddr != "" {
		return cfg.MetricsAddr, false
	}
	if r.embedded && loopback(cfg.HTTPAddr) {
		return "", true
	}
	return DefaultOpsAddr, false
}

// loopback reports whether addr's host is a loopback address or localhost.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
