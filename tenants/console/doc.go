// Package console is Cadre's web console (issue 18): server-rendered pages,
// embedded in the binary, for a company's admins, employees and analysts.
// Every change goes through the use cases of tenants/app, with the same
// roles and tenant scoping as the HTTP API; refusals are shown as readable
// messages. The pages work without JavaScript; the one vendored script
// (web/static/console.js) only adds live updates from the event stream.
//
// Security: sessions live in signed cookies (HttpOnly, SameSite=Lax, Secure
// under TLS or when configured) with idle and absolute timeouts;
// http.CrossOriginProtection refuses cross-origin state-changing requests;
// every answer carries a strict Content-Security-Policy (no inline script),
// X-Content-Type-Options, Referrer-Policy and frame-ancestors 'none'.
package console
