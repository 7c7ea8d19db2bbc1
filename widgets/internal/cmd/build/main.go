// Command build writes the widget bundles to widgets/dist (run by
// go generate ./widgets) and removes stale bundles there.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/incrocicomuni/incroci/widgets/internal/bundle"
)

func main() {
	log.SetFlags(0)
	out := flag.String("out", "", "output directory (default: <widgets>/dist)")
	flag.Parse()
	files, err := bundle.Build()
	if err != nil {
		log.Fatal(err)
	}
	if *out == "" {
		dir, err := bundle.Dir()
		if err != nil {
			log.Fatal(err)
		}
		*out = filepath.Join(dir, "dist")
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	old, _ := filepath.Glob(filepath.Join(*out, "*.js"))
	for _, f := range old {
		if _, ok := files[filepath.Base(f)]; !ok {
			if err := os.Remove(f); err != nil {
				log.Fatal(err)
			}
		}
	}
	for name, b := range files {
		p := filepath.Join(*out, name)
		if cur, err := os.ReadFile(p); err == nil && string(cur) == string(b) {
			continue
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("wrote %s (%d bytes)\n", p, len(b))
	}
}
