package analysis

// stopWords is the Snowball English stop word list plus a few contractions
// and single letters; stop words carry no topic and are skipped when
// matching phrases and scoring.
var stopWords = setOf(
	"a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
	"are", "aren't", "as", "at", "be", "because", "been", "before", "being", "below", "between",
	"both", "but", "by", "can", "can't", "cannot", "could", "couldn't", "did", "didn't", "do",
	"does", "doesn't", "doing", "don't", "down", "during", "e.g", "each", "etc", "few", "for",
	"from", "further", "had", "hadn't", "has", "hasn't", "have", "haven't", "having", "he",
	"he'd", "he'll", "he's", "her", "here", "here's", "hers", "herself", "him", "himself", "his",
	"how", "how's", "i", "i'd", "i'll", "i'm", "i've", "i.e", "if", "in", "into", "is", "isn't",
	"it", "it's", "its", "itself", "let's", "may", "me", "might", "more", "most", "must",
	"mustn't", "my", "myself", "no", "nor", "not", "of", "off", "on", "once", "only", "or",
	"other", "ought", "our", "ours", "ourselves", "out", "over", "own", "same", "shall",
	"shan't", "she", "she'd", "she'll", "she's", "should", "shouldn't", "so", "some", "such",
	"than", "that", "that's", "the", "their", "theirs", "them", "themselves", "then", "there",
	"there's", "these", "they", "they'd", "they'll", "they're", "they've", "this", "those",
	"through", "to", "too", "under", "until", "up", "upon", "us", "very", "via", "was",
	"wasn't", "we", "we'd", "we'll", "we're", "we've", "were", "weren't", "what", "what's",
	"when", "when's", "where", "where's", "which", "while", "who", "who's", "whom", "why",
	"why's", "will", "with", "won't", "would", "wouldn't", "you", "you'd", "you'll", "you're",
	"you've", "your", "yours", "yourself", "yourselves",
	"b", "c", "d", "e", "f", "g", "h", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t",
	"u", "v", "w", "x", "y", "z",
)

// IsStopWord reports whether the lower-cased word w is an English stop word.
func IsStopWord(w string) bool {
	_, ok := stopWords[w]
	return ok
}

// setOf returns a set of the given words.
func setOf(words ...string) map[string]struct{} {
	m := make(map[string]struct{}, len(words))
	for _, w := range words {
		m[w] = struct{}{}
	}
	return m
}
