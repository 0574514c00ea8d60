package api

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"

	"github.com/cadrehq/cadre/tenants"
)

// streamIDs makes the SSE event ids of the live stream: the JetStream
// sequence of the event, encrypted with the tenant's id beside it (one AES
// block), so that an id is opaque, is only good in the tenant it was sent
// to, and two ids of a tenant do not tell how many other tenants' events
// lie between them (the stream sequence is global). Resuming decrypts the
// id back to its sequence.
type streamIDs struct {
	block cipher.Block
}

// streamIDLabel separates the ids' key from other uses of the same secret.
const streamIDLabel = "cadre sse event ids v1"

// newStreamIDs keys the ids with secret; an empty secret draws a random key,
// so the ids of this process are not good after a restart or on another
// replica.
func newStreamIDs(secret []byte) *streamIDs {
	if len(secret) == 0 {
		secret = make([]byte, 32)
		_, _ = rand.Read(secret) // crypto/rand.Read never fails (Go 1.24)
	}
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(streamIDLabel))
	block, err := aes.NewCipher(m.Sum(nil))
	if err != nil {
		panic(err) // a 32-byte key is always valid
	}
	return &streamIDs{block: block}
}

// tag binds an id to a tenant: the first half of SHA-256 of its id.
func streamIDTag(tenant tenants.ID) []byte {
	sum := sha256.Sum256([]byte(tenant.String()))
	return sum[:8]
}

// encode returns the event id of stream sequence seq for tenant.
func (s *streamIDs) encode(tenant tenants.ID, seq uint64) string {
	var b [aes.BlockSize]byte
	binary.BigEndian.PutUint64(b[:8], seq)
	copy(b[8:], streamIDTag(tenant))
	s.block.Encrypt(b[:], b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// decode returns the stream sequence of an event id sent to tenant; ok is
// false for anything else (another tenant's id, another key's, garbage).
func (s *streamIDs) decode(tenant tenants.ID, id string) (seq uint64, ok bool) {
	raw, err := base64.RawURLEncoding.DecodeString(id)
	if err != nil || len(raw) != aes.BlockSize {
		return 0, false
	}
	s.block.Decrypt(raw, raw)
	if subtle.ConstantTimeCompare(raw[8:], streamIDTag(tenant)) != 1 {
		return 0, false
	}
	return binary.BigEndian.Uint64(raw[:8]), true
}
