package httpd

import (
	"crypto/sha256"
	"crypto/subtle"
	"net"
	"net/http"
	"strings"
)

// authorized reports whether r carries the token: as a bearer token
// ("Authorization: Bearer T"), as the password of basic auth, any user
// (what Filebeat, Logstash, Promtail and the OpenTelemetry Collector send
// when given a user and password), or as an Elasticsearch API key
// ("Authorization: ApiKey T").
func authorized(r *http.Request, want string) bool {
	h := r.Header.Get("Authorization")
	scheme, cred, _ := strings.Cut(h, " ")
	switch strings.ToLower(scheme) {
	case "bearer", "apikey":
		return tokenMatches(strings.TrimSpace(cred), want)
	case "basic":
		_, pass, ok := r.BasicAuth()
		return ok && tokenMatches(pass, want)
	}
	return false
}

// tokenMatches reports whether token is want, in time that depends on
// neither (comparing SHA-256 digests, which have one length).
func tokenMatches(token, want string) bool {
	got := sha256.Sum256([]byte(token))
	exp := sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(got[:], exp[:]) == 1
}

// isLoopback reports whether a is a loopback TCP address.
func isLoopback(a net.Addr) bool {
	ta, ok := a.(*net.TCPAddr)
	return ok && ta.IP.IsLoopback()
}
