package crypt

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDataKeySealOpen(t *testing.T) {
	k, err := NewDataKey(NewKey())
	if err != nil {
		t.Fatal(err)
	}
	aad := []byte("tenant/documents.body_text")
	sealed := k.SealText("The layoff list is confidential.", aad)
	if !IsSealedText(sealed) || strings.Contains(sealed, "layoff") {
		t.Fatalf("sealed text %q", sealed)
	}
	if again := k.SealText("The layoff list is confidential.", aad); again == sealed {
		t.Fatal("two seals of one text are equal: the nonce is not random")
	}
	got, err := k.OpenText(sealed, aad)
	if err != nil || got != "The layoff list is confidential." {
		t.Fatalf("OpenText = %q, %v", got, err)
	}
	if _, err := k.OpenText(sealed, []byte("other/documents.body_text")); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("open with another aad: %v, want ErrDecrypt", err)
	}
	other, _ := NewDataKey(NewKey())
	if _, err := other.OpenText(sealed, aad); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("open with another key: %v, want ErrDecrypt", err)
	}
	raw, _ := base64.RawStdEncoding.DecodeString(sealed[len(textPrefix):])
	raw[len(raw)-1] ^= 1
	if _, err := k.Open(raw, aad); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("open tampered: %v, want ErrDecrypt", err)
	}
	if _, err := k.Open(raw[:5], aad); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("open short: %v, want ErrDecrypt", err)
	}
	if _, err := k.OpenText("plain", aad); err == nil {
		t.Fatal("OpenText of plain text succeeded")
	}
}

func TestLocalKEKWrapBindsOwner(t *testing.T) {
	ctx := context.Background()
	kek, err := NewLocalKEK(NewKey())
	if err != nil {
		t.Fatal(err)
	}
	key := NewKey()
	w, err := kek.Wrap(ctx, key, []byte("tenant-a"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(w, key) {
		t.Fatal("wrapped key holds the key")
	}
	got, err := kek.Unwrap(ctx, w, []byte("tenant-a"))
	if err != nil || !bytes.Equal(got, key) {
		t.Fatalf("Unwrap = %x, %v", got, err)
	}
	if _, err := kek.Unwrap(ctx, w, []byte("tenant-b")); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("unwrap for another tenant: %v, want ErrDecrypt", err)
	}
	other, _ := NewLocalKEK(NewKey())
	if _, err := other.Unwrap(ctx, w, []byte("tenant-a")); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("unwrap with another KEK: %v, want ErrDecrypt", err)
	}
}

func TestParseKEK(t *testing.T) {
	key := NewKey()
	for _, s := range []string{base64.StdEncoding.EncodeToString(key), base64.RawURLEncoding.EncodeToString(key) + "\n"} {
		if _, err := ParseKEK(s); err != nil {
			t.Errorf("ParseKEK(%q): %v", s, err)
		}
	}
	for _, s := range []string{"", "not base64!", base64.StdEncoding.EncodeToString(key[:16])} {
		if _, err := ParseKEK(s); err == nil {
			t.Errorf("ParseKEK(%q) succeeded", s)
		}
	}
	if _, err := NewDataKey(key[:31]); err == nil {
		t.Error("NewDataKey of 31 bytes succeeded")
	}
}

func TestLoadOrCreateKEK(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	a, err := LoadOrCreateKEK(dir)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, KEKFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("kek file: %v, %v", fi, err)
	}
	b, err := LoadOrCreateKEK(dir) // the same key again
	if err != nil {
		t.Fatal(err)
	}
	w, _ := a.Wrap(ctx, NewKey(), nil)
	if _, err := b.Unwrap(ctx, w, nil); err != nil {
		t.Fatalf("the reloaded KEK does not unwrap: %v", err)
	}
}
