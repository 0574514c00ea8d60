package plan

import "time"

// WeeksPerLevel sizes due dates: an item is due this many weeks per level of
// gap after the build that set its gap.
const WeeksPerLevel = 6

// DueDate returns midnight UTC of the day WeeksPerLevel × gap weeks after
// now's UTC date (now's own date for a gap of 0 or less).
func DueDate(now time.Time, gap int) time.Time {
	y, m, d := now.UTC().Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if gap <= 0 {
		return day
	}
	return day.AddDate(0, 0, 7*WeeksPerLevel*gap)
}
