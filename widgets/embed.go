package widgets

import "embed"

// dist holds the built bundles, written by go generate ./widgets and committed.
//
//go:embed dist/*.js
var dist embed.FS
