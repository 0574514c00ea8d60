package assessment

// stopWords are function words: they carry no competency meaning, but their
// share of a text tells prose from a list of keywords.
var stopWords = setOf(
	"a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at",
	"be", "because", "been", "before", "being", "below", "between", "both", "but", "by",
	"can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further",
	"had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how",
	"i", "i'm", "i've", "i'd", "if", "in", "into", "is", "it", "it's", "its", "itself", "just", "me", "more", "most", "my", "myself",
	"no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own",
	"same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then",
	"there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "us", "very",
	"was", "we", "we're", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would",
	"you", "your", "yours", "yourself", "yourselves", "it'd", "don't", "didn't", "wasn't", "couldn't", "won't",
	"get", "got", "really", "quite", "lot", "lots", "thing", "things", "way", "etc", "also", "still", "even", "much", "many",
)

// genericStems are the stems of content words too common in work talk to
// show that an answer is on the topic of a competency.
var genericStems = stemSet(
	"work", "use", "make", "new", "need", "time", "good", "help", "team", "people", "level", "day", "week", "year",
	"take", "give", "know", "want", "like", "one", "two", "well", "able", "sure", "first", "last", "ask", "try",
	"basic", "clear", "clearly", "effective", "effectively", "common", "relevant", "others", "own",
)

// isStop reports whether the lower-case word w is a stop word.
func isStop(w string) bool { _, ok := stopWords[w]; return ok }

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
