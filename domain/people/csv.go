package people

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

// Columns are the columns an employee import understands. subject, name,
// tier and one of role or title are required; "title" is matched to a role
// with the catalog's title matching when "role" is empty.
var Columns = []string{"subject", "name", "email", "title", "role", "tier", "manager", "team"}

// Row is one data row of an import, as written (fields trimmed).
type Row struct {
	Line                                                   int
	Subject, Name, Email, Title, Role, Tier, Manager, Team string
	// Err is set when the row could not be read as a whole (a wrong number
	// of fields); the file itself is still well-formed.
	Err string
}

// FileError is a problem with an import file as a whole: nothing of it is
// applied.
type FileError struct {
	// Code names the problem: "malformed-csv", "invalid-csv-header" or
	// "too-many-rows".
	Code string
	// Line is the file line at fault, 0 when the problem has none.
	Line int
	Msg  string
	// TooMany says the file holds more data rows than allowed (the other
	// codes are unreadable files).
	TooMany bool
}

func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

// ParseCSV reads an employee import: a header naming the columns (in any
// order, case-insensitive, a UTF-8 byte-order mark allowed), then one
// employee per line. A file that is not valid UTF-8, has bad quoting, has no
// usable header or holds more than maxRows data rows is a *FileError; a row
// with the wrong number of fields is returned with its Err set.
func ParseCSV(data []byte, maxRows int) ([]Row, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, &FileError{Code: "malformed-csv", Msg: "the file is not valid UTF-8"}
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = 0 // the header's count, checked per row below
	r.ReuseRecord = true
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, &FileError{Code: "invalid-csv-header", Msg: "the file is empty; it needs a header line"}
	}
	if err != nil {
		return nil, readError(err)
	}
	index, err := headerIndex(header)
	if err != nil {
		return nil, err
	}
	var rows []Row
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
			rows = append(rows, Row{Line: pe.StartLine, Err: fmt.Sprintf("has %d fields, the header has %d", len(rec), len(index))})
			continue
		}
		if err != nil {
			return nil, readError(err)
		}
		if len(rows) >= maxRows {
			return nil, tooManyRows(maxRows)
		}
		line, _ := r.FieldPos(0) // only valid after a successful read
		row := Row{Line: line}
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
	return &FileError{Code: "too-many-rows", TooMany: true, Msg: fmt.Sprintf("the file holds more than %d data rows; split it", maxRows)}
}

// readError turns a csv read error (bad quoting) into a file error with its
// line.
func readError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &FileError{Code: "malformed-csv", Line: pe.Line, Msg: pe.Err.Error()}
	}
	return &FileError{Code: "malformed-csv", Msg: "the file is not readable CSV"}
}

// headerIndex maps each known column to its position; unknown, duplicate or
// missing required columns are file errors.
func headerIndex(header []string) (map[string]int, error) {
	index := make(map[string]int, len(header))
	for i, h := range header {
		col := strings.ToLower(strings.TrimSpace(h))
		_, dup := index[col]
		switch {
		case !slices.Contains(Columns, col):
			return nil, &FileError{Code: "invalid-csv-header", Line: 1,
				Msg: fmt.Sprintf("unknown column %q (known: %s)", Clip(h, 40), strings.Join(Columns, ", "))}
		case dup:
			return nil, &FileError{Code: "invalid-csv-header", Line: 1, Msg: fmt.Sprintf("column %q appears twice", col)}
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
		return nil, &FileError{Code: "invalid-csv-header", Line: 1,
			Msg: "the header lacks the required column(s): " + strings.Join(missing, ", ")}
	}
	return index, nil
}
