package assessment_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/cadrehq/cadre/domain/assessment"
)

func ptr[T any](v T) *T { return &v }

func TestValidate(t *testing.T) {
	t.Parallel()
	a := generate(t, "validate")
	slug := specs[0].slug
	self := itemOf(t, a, slug, assessment.SelfRating).ID
	scen := itemOf(t, a, slug, assessment.Scenario)
	open := itemOf(t, a, slug, assessment.OpenText).ID
	tests := []struct {
		name      string
		r         assessment.Response
		want      error
		wantField string
	}{
		{"rating", assessment.Response{ItemID: self, Rating: ptr(3)}, nil, ""},
		{"option", assessment.Response{ItemID: scen.ID, OptionID: ptr(scen.Options[2].ID)}, nil, ""},
		{"text", assessment.Response{ItemID: open, Text: ptr("I fixed the VPC routing.")}, nil, ""},
		{"empty text", assessment.Response{ItemID: open, Text: ptr("")}, nil, ""},
		{"text at the limit", assessment.Response{ItemID: open, Text: ptr(strings.Repeat("é", 5000))}, nil, ""},
		{"unknown item", assessment.Response{ItemID: "nope", Rating: ptr(3)}, assessment.ErrUnknownItem, "item_id"},
		{"text on a self-rating", assessment.Response{ItemID: self, Text: ptr("5")}, assessment.ErrWrongField, "text"},
		{"rating on a scenario", assessment.Response{ItemID: scen.ID, Rating: ptr(4)}, assessment.ErrWrongField, "rating"},
		{"two fields", assessment.Response{ItemID: open, Text: ptr("x"), OptionID: ptr("1")}, assessment.ErrWrongField, "option_id"},
		{"no answer", assessment.Response{ItemID: self}, assessment.ErrWrongField, "rating"},
		{"rating 0", assessment.Response{ItemID: self, Rating: ptr(0)}, assessment.ErrRatingOutOfRange, "rating"},
		{"rating 6", assessment.Response{ItemID: self, Rating: ptr(6)}, assessment.ErrRatingOutOfRange, "rating"},
		{"unknown option", assessment.Response{ItemID: scen.ID, OptionID: ptr("1")}, assessment.ErrUnknownOption, "option_id"},
		{"text too long", assessment.Response{ItemID: open, Text: ptr(strings.Repeat("é", 5001))}, assessment.ErrTextTooLong, "text"},
		{"invalid utf-8", assessment.Response{ItemID: open, Text: ptr("ok \xff\xfe")}, assessment.ErrInvalidUTF8, "text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := a.Validate(tt.r)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Validate error = %v, want %v", err, tt.want)
			}
			if tt.want == nil {
				return
			}
			var re *assessment.ResponseError
			if !errors.As(err, &re) || re.Field != tt.wantField || re.ItemID != tt.r.ItemID {
				t.Errorf("error %v: got %+v, want a ResponseError for item %q field %q", err, re, tt.r.ItemID, tt.wantField)
			}
		})
	}
}

func TestValidateAllAndScoreRejectBadResponses(t *testing.T) {
	t.Parallel()
	a := generate(t, "validate-all")
	self := itemOf(t, a, specs[1].slug, assessment.SelfRating).ID
	tests := []struct {
		name string
		rs   []assessment.Response
		want error
	}{
		{"none", nil, nil},
		{"duplicate", []assessment.Response{{ItemID: self, Rating: ptr(2)}, {ItemID: self, Rating: ptr(3)}}, assessment.ErrDuplicateResponse},
		{"one bad among good", []assessment.Response{{ItemID: self, Rating: ptr(2)}, {ItemID: "x", Rating: ptr(2)}}, assessment.ErrUnknownItem},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := a.ValidateAll(tt.rs); !errors.Is(err, tt.want) {
				t.Errorf("ValidateAll error = %v, want %v", err, tt.want)
			}
			if _, err := assessment.Score(a, tt.rs); !errors.Is(err, tt.want) {
				t.Errorf("Score error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestMaxAnswerCharsOverride(t *testing.T) {
	t.Parallel()
	a := generate(t, "limit")
	a.MaxAnswerChars = 10
	open := itemOf(t, a, specs[0].slug, assessment.OpenText).ID
	if err := a.Validate(assessment.Response{ItemID: open, Text: ptr("eleven char")}); !errors.Is(err, assessment.ErrTextTooLong) {
		t.Errorf("Validate error = %v, want %v", err, assessment.ErrTextTooLong)
	}
}
