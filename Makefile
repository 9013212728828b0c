# The README's two commands are the way to run and test Custodia; this file
# only holds helpers around them.

.PHONY: screenshots
# Regenerates docs/screenshots/*.png by running the console's browser
# tests against a fresh server (needs Chromium: apt-get install -y chromium).
screenshots:
	mkdir -p docs/screenshots
	CUSTODIA_SCREENSHOTS=$(CURDIR)/docs/screenshots go test ./internal/console/ -run 'Browser' -count=1
