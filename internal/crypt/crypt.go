// Package crypt is Cadre's envelope encryption: every tenant has its own
// data key (AES-256-GCM) that seals the tenant's personal data in the
// database, and data keys are stored only wrapped by a key-encryption key
// (KEK) held outside the database, behind the KMS interface. Destroying a
// tenant's wrapped data key makes every copy of its sealed data — freed
// pages, WAL, backups — unreadable (crypto-shredding).
package crypt

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/klauspost/compress/s2"
)

// KeySize is the size of a data key and of a local KEK: AES-256.
const KeySize = 32

// ErrDecrypt reports sealed data that does not open with the key (a wrong
// key, another tenant's or another column's data, or tampering).
var ErrDecrypt = errors.New("crypt: message authentication failed")

// KMS wraps and unwraps data keys with a key-encryption key it holds. aad
// binds a wrapped key to its owner (the tenant id): a key wrapped for one
// tenant does not unwrap for another. A cloud KMS (AWS KMS Encrypt/Decrypt
// with an encryption context, GCP Cloud KMS, Vault transit) fits behind it.
type KMS interface {
	Wrap(ctx context.Context, key, aad []byte) ([]byte, error)
	Unwrap(ctx context.Context, wrapped, aad []byte) ([]byte, error)
}

// LocalKEK is a KMS whose key-encryption key is in the process (from
// configuration, or a file in the data directory in development).
type LocalKEK struct{ aead cipher.AEAD }

// NewLocalKEK returns a KMS that wraps with the 32-byte kek.
func NewLocalKEK(kek []byte) (*LocalKEK, error) {
	aead, err := newAEAD(kek)
	if err != nil {
		return nil, fmt.Errorf("crypt: key-encryption key: %w", err)
	}
	return &LocalKEK{aead: aead}, nil
}

// ParseKEK decodes a base64 (standard or URL alphabet, padded or not)
// 32-byte key-encryption key, the form of CADRE_KEK.
func ParseKEK(s string) (*LocalKEK, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			if len(b) != KeySize {
				return nil, fmt.Errorf("crypt: key-encryption key is %d bytes, want %d", len(b), KeySize)
			}
			return NewLocalKEK(b)
		}
	}
	return nil, errors.New("crypt: key-encryption key is not base64")
}

// KEKFile is the name of the development key-encryption key in the data
// directory.
const KEKFile = "cadre.kek"

// LoadOrCreateKEK reads dir/cadre.kek, creating it (mode 0600, a random
// key) when it does not exist. For development: in production the KEK
// comes from configuration or a KMS, never from the disk beside the data.
func LoadOrCreateKEK(dir string) (*LocalKEK, error) {
	path := filepath.Join(dir, KEKFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		if err := createKEKFile(dir, path); err != nil {
			return nil, err
		}
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("crypt: %w", err)
	}
	return ParseKEK(string(b))
}

// createKEKFile writes a random KEK to path unless another process just
// did.
func createKEKFile(dir, path string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("crypt: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("crypt: create %s: %w", path, err)
	}
	_, err = f.WriteString(base64.StdEncoding.EncodeToString(NewKey()) + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("crypt: write %s: %w", path, err)
	}
	return nil
}

// Wrap implements KMS.
func (k *LocalKEK) Wrap(_ context.Context, key, aad []byte) ([]byte, error) {
	return seal(k.aead, key, aad), nil
}

// Unwrap implements KMS.
func (k *LocalKEK) Unwrap(_ context.Context, wrapped, aad []byte) ([]byte, error) {
	return open(k.aead, wrapped, aad)
}

// NewKey returns a fresh random 32-byte key.
func NewKey() []byte {
	b := make([]byte, KeySize)
	if _, err := rand.Read(b); err != nil {
		panic("crypt: no randomness: " + err.Error()) // crypto/rand does not fail on supported platforms
	}
	return b
}

// DataKey seals and opens one tenant's data. It is safe for concurrent use.
type DataKey struct{ aead cipher.AEAD }

// NewDataKey returns the data key of the 32 raw bytes.
func NewDataKey(raw []byte) (*DataKey, error) {
	aead, err := newAEAD(raw)
	if err != nil {
		return nil, fmt.Errorf("crypt: data key: %w", err)
	}
	return &DataKey{aead: aead}, nil
}

// Seal encrypts plaintext bound to aad: a random nonce, then the
// ciphertext and its tag.
func (k *DataKey) Seal(plaintext, aad []byte) []byte { return seal(k.aead, plaintext, aad) }

// Open decrypts what Seal made with the same aad.
func (k *DataKey) Open(sealed, aad []byte) ([]byte, error) { return open(k.aead, sealed, aad) }

// textPrefix marks sealed text in a text column, so that rows written
// before encryption (plain text) still read.
const textPrefix = "enc1:"

// SealText is Seal for a text column: the text is compressed (S2: sealed
// bytes do not compress, and a text column's value costs its length in
// pages and WAL), sealed, then stored as the prefix and base64.
func (k *DataKey) SealText(plaintext string, aad []byte) string {
	return textPrefix + base64.RawStdEncoding.EncodeToString(k.Seal(s2.Encode(nil, []byte(plaintext)), aad))
}

// IsSealedText reports whether s is what SealText makes.
func IsSealedText(s string) bool { return strings.HasPrefix(s, textPrefix) }

// OpenText opens what SealText made.
func (k *DataKey) OpenText(s string, aad []byte) (string, error) {
	if !IsSealedText(s) {
		return "", errors.New("crypt: not sealed text")
	}
	b, err := base64.RawStdEncoding.DecodeString(s[len(textPrefix):])
	if err != nil {
		return "", fmt.Errorf("crypt: sealed text: %w", err)
	}
	p, err := k.Open(b, aad)
	if err != nil {
		return "", err
	}
	if p, err = s2.Decode(nil, p); err != nil {
		return "", fmt.Errorf("crypt: sealed text: %w", err)
	}
	return string(p), nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("key is %d bytes, want %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func seal(aead cipher.AEAD, plaintext, aad []byte) []byte {
	ns := aead.NonceSize()
	out := make([]byte, ns, ns+len(plaintext)+aead.Overhead())
	if _, err := rand.Read(out); err != nil {
		panic("crypt: no randomness: " + err.Error())
	}
	return aead.Seal(out, out, plaintext, aad)
}

func open(aead cipher.AEAD, sealed, aad []byte) ([]byte, error) {
	ns := aead.NonceSize()
	if len(sealed) < ns+aead.Overhead() {
		return nil, ErrDecrypt
	}
	p, err := aead.Open(nil, sealed[:ns], sealed[ns:], aad)
	if err != nil {
		return nil, ErrDecrypt
	}
	return p, nil
}
