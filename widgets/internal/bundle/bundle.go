// Package bundle builds the widget bundles from widgets/src with esbuild's Go
// API: one minified IIFE per entry point, deterministic, no Node needed.
package bundle

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// Entries are the widget entry points, by bundle name: src/<name>.ts is
// built to <name>.js. This is the one list of widgets.
var Entries = []string{"signin", "console", "helpdesk", "mediation", "console-helpdesk", "console-desks", "console-toolkit",
	"console-translations", "console-sources", "console-training", "console-register", "console-surveys", "console-treports", "toolkit", "toolkit-propose",
	"directory", "directory-map", "training", "survey"}

// MaxGzip is the size budget of one bundle, gzipped, in bytes.
const MaxGzip = 20 << 10

// Build bundles every entry point and returns the files by name
// ("signin.js" …). It finds the widgets directory from this package's
// source location, else by walking up from the working directory.
func Build() (map[string][]byte, error) {
	dir, err := Dir()
	if err != nil {
		return nil, err
	}
	return BuildDir(dir)
}

// Dir returns the absolute path of the widgets directory (the one holding src/).
func Dir() (string, error) {
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		if d := filepath.Join(filepath.Dir(file), "..", ".."); isWidgets(d) {
			return filepath.Abs(d)
		}
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		for _, c := range []string{d, filepath.Join(d, "widgets")} {
			if isWidgets(c) {
				return c, nil
			}
		}
		if filepath.Dir(d) == d {
			return "", errors.New("bundle: widgets/src not found from " + wd)
		}
	}
}

func isWidgets(d string) bool {
	_, err := os.Stat(filepath.Join(d, "src", Entries[0]+".ts"))
	return err == nil
}

// BuildDir bundles the entry points found in dir/src.
func BuildDir(dir string) (map[string][]byte, error) {
	eps := make([]api.EntryPoint, len(Entries))
	for i, n := range Entries {
		eps[i] = api.EntryPoint{InputPath: "./src/" + n + ".ts", OutputPath: n}
	}
	res := api.Build(api.BuildOptions{
		AbsWorkingDir:       dir,
		EntryPointsAdvanced: eps,
		Outdir:              filepath.Join(dir, "dist"),
		Bundle:              true,
		Write:               false,
		Format:              api.FormatIIFE,
		Platform:            api.PlatformBrowser,
		Target:              api.ES2022,
		MinifyWhitespace:    true,
		MinifyIdentifiers:   true,
		MinifySyntax:        true,
		TreeShaking:         api.TreeShakingTrue,
		Charset:             api.CharsetUTF8,
		LegalComments:       api.LegalCommentsNone,
		Sourcemap:           api.SourceMapNone,
		LogLevel:            api.LogLevelSilent,
	})
	if len(res.Errors) > 0 {
		msgs := api.FormatMessages(res.Errors, api.FormatMessagesOptions{Kind: api.ErrorMessage})
		return nil, fmt.Errorf("bundle: esbuild failed:\n%s", strings.Join(msgs, ""))
	}
	out := make(map[string][]byte, len(res.OutputFiles))
	for _, f := range res.OutputFiles {
		out[filepath.Base(f.Path)] = f.Contents
	}
	for _, n := range Entries {
		if _, ok := out[n+".js"]; !ok {
			return nil, fmt.Errorf("bundle: no output for %s", n)
		}
	}
	return out, nil
}
