package assessment

import "testing"

// TestStemJoinsWordForms checks that the scorer's stem puts the forms of a
// word together, British and American spellings and irregular pasts
// included. (Porter2 keeps "strategic" and "organisational" apart from
// "strategy" and "organisation"; the markers list such forms themselves.)
func TestStemJoinsWordForms(t *testing.T) {
	t.Parallel()
	tests := [][]string{
		{"automate", "automated", "automating", "automation", "automates"},
		{"organisation", "organization", "organised", "organise", "organizes"},
		{"design", "designed", "designing", "designs"},
		{"lead", "led", "leads", "leading"},
		{"mentor", "mentored", "mentoring", "mentors"},
		{"analyse", "analysed", "analysis", "analyze", "analyses"},
		{"strategy", "strategies"},
		{"reliable", "reliability"},
		{"run", "running", "ran"},
	}
	for _, forms := range tests {
		want := stem(forms[0])
		for _, w := range forms[1:] {
			if got := stem(w); got != want {
				t.Errorf("stem(%q) = %q, want %q (as stem(%q))", w, got, want, forms[0])
			}
		}
	}
}

func TestScenarioOption(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Leads the architecture, sets standards and mentors engineers.", "I would lead the architecture, set standards and mentor engineers."},
		{"Applies fixes and is recognised as an authority.", "I would apply fixes and be recognised as an authority."},
		{"Writes clear design documents and status reports, and resolves disagreements.", "I would write clear design documents and status reports, and resolve disagreements."},
	}
	for _, tt := range tests {
		if got := scenarioOption(tt.in); got != tt.want {
			t.Errorf("scenarioOption(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
