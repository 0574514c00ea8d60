// Command gen regenerates the embedded ESCO skill vocabulary of package
// analysis from the ESCO skills CSV:
//
//	go run ./domain/text/internal/gen [-in skills_en.csv] [-out phrases.tsv.gz]
//
// Run it from the repository root and commit the output with the diff
// reviewed.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/cadrehq/cadre/domain/text/internal/escovocab"
)

func main() {
	in := flag.String("in", "/work/shared/data/esco/skills_en.csv", "ESCO skills CSV")
	out := flag.String("out", "domain/text/analysis/esco/phrases.tsv.gz", "output file")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// run builds the vocabulary from in and writes it to out.
func run(in, out string) error {
	f, err := os.Open(in)
	if err != nil {
		return fmt.Errorf("open csv: %w", err)
	}
	defer f.Close()
	data, err := escovocab.Build(f)
	if err != nil {
		return fmt.Errorf("build vocabulary: %w", err)
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		return fmt.Errorf("write vocabulary: %w", err)
	}
	fmt.Printf("wrote %s (%d bytes)\n", out, len(data))
	return nil
}
