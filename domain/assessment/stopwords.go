package assessment

// genericStems are the stems of content words too common in work talk to
// show that an answer is on the topic of a competency.
var genericStems = stemSet(
	"work", "use", "make", "new", "need", "time", "good", "help", "team", "people", "level", "day", "week", "year",
	"take", "give", "know", "want", "like", "one", "two", "well", "able", "sure", "first", "last", "ask", "try",
	"basic", "clear", "clearly", "effective", "effectively", "common", "relevant", "others", "own",
)

// stemSet builds the set of the stems of words.
func stemSet(words ...string) map[string]struct{} {
	m := make(map[string]struct{}, len(words))
	for _, w := range words {
		m[stem(w)] = struct{}{}
	}
	return m
}

// setOf builds a set of strings.
func setOf(ss ...string) map[string]struct{} {
	m := make(map[string]struct{}, len(ss))
	for _, s := range ss {
		m[s] = struct{}{}
	}
	return m
}
