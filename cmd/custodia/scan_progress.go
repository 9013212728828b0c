package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/schollz/progressbar/v3"

	"custodia/internal/scan/dbsource"
)

// scanProgress returns a progress callback that draws a bar on stderr
// (files, bytes, rate and ETA) when stderr is a terminal, and nil (silent)
// otherwise, as in pipes, files and CI logs.
func scanProgress(roots []string) (func(files int, bytes int64), func()) {
	if fi, err := os.Stderr.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return nil, func() {}
	}
	var total int64
	for _, r := range roots {
		if dbsource.IsURL(r) {
			continue
		}
		_ = filepath.WalkDir(r, func(_ string, d fs.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() {
				if info, err := d.Info(); err == nil {
					total += info.Size()
				}
			}
			return nil
		})
	}
	if total == 0 {
		total = -1 // unknown: a spinner with bytes and rate
	}
	bar := progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(os.Stderr),
		progressbar.OptionSetDescription("scanning"),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100_000_000), // at most ten redraws a second
		progressbar.OptionClearOnFinish(),
	)
	return func(files int, bytes int64) {
			bar.Describe("scanning, " + strconv.Itoa(files) + " files")
			_ = bar.Set64(bytes)
		}, func() {
			_ = bar.Finish()
		}
}
