// Package auth verifies the bearer tokens (JWTs) that Cadre's API accepts
// and turns them into a tenants.Principal.
//
// Two key sources are supported and may be combined: a shared secret for
// HS256 (development and small deployments, see Mint and `cadre token`) and
// a JWKS URL for RS256, ES256 and EdDSA (an identity provider). The token's
// `alg` header picks the source; every other algorithm is rejected. Every
// token must carry `sub`, `roles`, `iss`, `aud` and `exp`; tenant tokens
// also carry `tenant_id`, platform admin tokens must not.
package auth
