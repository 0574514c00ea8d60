// Package text groups Cadre's document text handling: package extract turns
// uploaded documents (plain text, Markdown, HTML, PDF, DOCX) into normalised
// UTF-8 text under size limits, and package analysis splits that text into
// sentences and tokens, stems, recognises skill phrases and ranks evidence with
// BM25. Both are pure and deterministic: same bytes in, same result out.
package text
