package store

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
)

// sqliteErr stands in for go-sqlite's *Error, whose fields are unexported:
// translate only relies on its Code method.
type sqliteErr int

func (e sqliteErr) Error() string { return fmt.Sprintf("sqlite error (%d)", int(e)) }
func (e sqliteErr) Code() int     { return int(e) }

// TestTranslate checks the driver-to-sentinel table by code: what each
// error becomes, and that the driver error stays in the chain.
func TestTranslate(t *testing.T) {
	t.Parallel()
	pg := func(code string) error { return &pgconn.PgError{Code: code, Message: "m"} }
	tests := []struct {
		name string
		in   error
		want []error // sentinels the result must match
		not  []error // sentinels it must not match
	}{
		{"nil", nil, nil, nil},
		{"record not found", fmt.Errorf("take: %w", gorm.ErrRecordNotFound), []error{ErrNotFound}, []error{ErrConflict, ErrUnavailable}},
		{"gorm duplicated key", fmt.Errorf("%w: %w", gorm.ErrDuplicatedKey, pg("23505")), []error{ErrConflict, gorm.ErrDuplicatedKey}, []error{ErrUnavailable}},
		{"postgres unique violation", pg("23505"), []error{ErrConflict}, []error{ErrUnavailable, ErrNotFound}},
		{"postgres foreign key", pg("23503"), nil, []error{ErrConflict, ErrUnavailable}},
		{"postgres serialization failure", pg("40001"), []error{ErrRetry, ErrUnavailable}, []error{ErrConflict}},
		{"postgres deadlock", fmt.Errorf("update: %w", pg("40P01")), []error{ErrRetry, ErrUnavailable}, []error{ErrConflict}},
		{"postgres lock timeout", pg("55P03"), []error{ErrUnavailable}, []error{ErrRetry, ErrConflict}},
		{"postgres admin shutdown", pg("57P01"), []error{ErrUnavailable}, []error{ErrRetry}},
		{"sqlite unique", sqliteErr(2067), []error{ErrConflict}, []error{ErrUnavailable}},
		{"sqlite primary key", sqliteErr(1555), []error{ErrConflict}, []error{ErrUnavailable}},
		{"sqlite not null", sqliteErr(1299), nil, []error{ErrConflict, ErrUnavailable}},
		{"sqlite busy", sqliteErr(5), []error{ErrRetry, ErrUnavailable}, []error{ErrConflict}},
		{"sqlite busy snapshot", sqliteErr(517), []error{ErrRetry, ErrUnavailable}, nil},
		{"sqlite locked", sqliteErr(6), []error{ErrUnavailable}, []error{ErrRetry}},
		{"message text alone", errors.New("ERROR: duplicate key value (SQLSTATE 23505) UNIQUE constraint failed"), nil, []error{ErrConflict}},
		{"already translated", fmt.Errorf("insert: %w", fmt.Errorf("%w: %w", ErrConflict, pg("23505"))), []error{ErrConflict}, nil},
	}
	for _, tc := range tests {
		got := translate(tc.in)
		if (got == nil) != (tc.in == nil) {
			t.Errorf("%s: translate(%v) = %v", tc.name, tc.in, got)
			continue
		}
		for _, w := range tc.want {
			if !errors.Is(got, w) {
				t.Errorf("%s: got %v, want it to match %v", tc.name, got, w)
			}
		}
		for _, n := range tc.not {
			if errors.Is(got, n) {
				t.Errorf("%s: got %v, want it not to match %v", tc.name, got, n)
			}
		}
		if tc.in != nil && !errors.Is(tc.in, gorm.ErrRecordNotFound) && !errors.Is(got, tc.in) {
			t.Errorf("%s: got %v, want the driver error %v still in the chain", tc.name, got, tc.in)
		}
	}
}

// TestErrRetryIsUnavailable: the workers' runner retries ErrUnavailable
// without spending the poison budget, and must treat a lost transaction the
// same way.
func TestErrRetryIsUnavailable(t *testing.T) {
	t.Parallel()
	if !errors.Is(ErrRetry, ErrUnavailable) {
		t.Error("errors.Is(ErrRetry, ErrUnavailable) = false, want true")
	}
	if errors.Is(ErrUnavailable, ErrRetry) {
		t.Error("errors.Is(ErrUnavailable, ErrRetry) = true, want false")
	}
}
