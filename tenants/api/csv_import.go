package api

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// MaxImportRows is the most data rows one employee import may hold; a larger
// file is refused whole (413) and nothing is written.
const MaxImportRows = 100_000

// maxImportBytes bounds the body of an import (about 600 bytes a row).
const maxImportBytes = 64 << 20

// csvColumns are the columns an employee import understands. subject, name,
// tier and one of role or title are required; "title" is matched to a role
// with the catalog's title matching when "role" is empty.
var csvColumns = []string{"subject", "name", "email", "title", "role", "tier", "manager", "team"}

// csvEmployee is one data row of an import, as written.
type csvEmployee struct {
	Line                                                   int
	Subject, Name, Email, Title, Role, Tier, Manager, Team string
	// Err is set when the row could not be read as a whole (a wrong number
	// of fields); the file itself is still well-formed.
	Err string
}

// csvFileError is a problem with the file as a whole: nothing of it is
// applied.
type csvFileError struct {
	Status int
	Kind   string
	Line   int
	Msg    string
}

func (e *csvFileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

// parseEmployeeCSV reads an employee import: a header naming the columns (in
// any order, case-insensitive, a UTF-8 byte-order mark allowed), then one
// employee per line. A file that is not valid UTF-8, has bad quoting, has no
// usable header or holds more than maxRows data rows is a *csvFileError; a
// row with the wrong number of fields is returned with its Err set.
func parseEmployeeCSV(data []byte, maxRows int) ([]csvEmployee, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, &csvFileError{Status: 422, Kind: "malformed-csv", Msg: "the file is not valid UTF-8"}
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = 0 // the header's count, checked per row below
	r.ReuseRecord = true
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, &csvFileError{Status: 422, Kind: "invalid-csv-header", Msg: "the file is empty; it needs a header line"}
	}
	if err != nil {
		return nil, csvReadError(err)
	}
	index, err := headerIndex(header)
	if err != nil {
		return nil, err
	}
	var rows []csvEmployee
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
			if len(rows) >= maxRows {
				return nil, tooManyRows(maxRows)
			}
			rows = append(rows, csvEmployee{Line: pe.StartLine, Err: fmt.Sprintf("has %d fields, the header has %d", len(rec), len(index))})
			continue
		}
		if err != nil {
			return nil, csvReadError(err)
		}
		if len(rows) >= maxRows {
			return nil, tooManyRows(maxRows)
		}
		line, _ := r.FieldPos(0) // only valid after a successful read
		row := csvEmployee{Line: line}
		for col, i := range index {
			v := strings.TrimSpace(rec[i])
			switch col {
			case "subject":
				row.Subject = v
			case "name":
				row.Name = v
			case "email":
				row.Email = v
			case "title":
				row.Title = v
			case "role":
				row.Role = v
			case "tier":
				row.Tier = v
			case "manager":
				row.Manager = v
			case "team":
				row.Team = v
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func tooManyRows(maxRows int) error {
	return &csvFileError{Status: 413, Kind: "too-many-rows", Msg: fmt.Sprintf("the file holds more than %d data rows; split it", maxRows)}
}

// csvReadError turns a csv read error (bad quoting) into a file error with
// its line.
func csvReadError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &csvFileError{Status: 422, Kind: "malformed-csv", Line: pe.Line, Msg: pe.Err.Error()}
	}
	return &csvFileError{Status: 422, Kind: "malformed-csv", Msg: "the file is not readable CSV"}
}

// headerIndex maps each known column to its position; unknown, duplicate or
// missing required columns are file errors.
func headerIndex(header []string) (map[string]int, error) {
	index := make(map[string]int, len(header))
	for i, h := range header {
		col := strings.ToLower(strings.TrimSpace(h))
		_, dup := index[col]
		switch {
		case !slices.Contains(csvColumns, col):
			return nil, &csvFileError{Status: 422, Kind: "invalid-csv-header", Line: 1,
				Msg: fmt.Sprintf("unknown column %q (known: %s)", truncate(h, 40), strings.Join(csvColumns, ", "))}
		case dup:
			return nil, &csvFileError{Status: 422, Kind: "invalid-csv-header", Line: 1, Msg: fmt.Sprintf("column %q appears twice", col)}
		}
		index[col] = i
	}
	var missing []string
	for _, c := range []string{"subject", "name", "tier"} {
		if _, ok := index[c]; !ok {
			missing = append(missing, c)
		}
	}
	_, hasRole := index["role"]
	_, hasTitle := index["title"]
	if !hasRole && !hasTitle {
		missing = append(missing, "title or role")
	}
	if len(missing) > 0 {
		return nil, &csvFileError{Status: 422, Kind: "invalid-csv-header", Line: 1,
			Msg: "the header lacks the required column(s): " + strings.Join(missing, ", ")}
	}
	return index, nil
}

// truncate shortens s to at most n runes for an error message.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
