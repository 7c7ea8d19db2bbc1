package training_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/training"
)

// Mounting the training module into an existing gin server, beside the
// platform, and reading the topics courses are filed under over HTTP.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "training-example")
	defer os.RemoveAll(dir)
	db, err := incroci.OpenDB(ctx, "sqlite:"+filepath.Join(dir, "hub.db"))
	if err != nil {
		log.Fatal(err)
	}
	p, err := incroci.New(ctx, incroci.Config{DB: db, Secret: []byte("an example secret of 32 bytes!!!"),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close(ctx)
	tr, err := training.New(ctx, p, training.Config{})
	if err != nil {
		log.Fatal(err)
	}

	gin.SetMode(gin.ReleaseMode)
	r := gin.New() // the partner's own server
	api := r.Group("/incroci")
	p.Mount(api)
	tr.Mount(api.Group("/training"))

	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("GET", "/incroci/training/topics", nil))
	fmt.Println(w.Code, strings.Contains(w.Body.String(), "cittadinanza"))
	// Output:
	// 200 true
}
