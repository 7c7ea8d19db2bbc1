// Command ambito is the incroci demo hub: the platform mounted under
// /incroci on an embedded SQLite database (or PostgreSQL), seeded with the
// ambiti of the network and demo accounts, and a home page that plays the
// website of the Ambito Distrettuale di Lodi with the widgets embedded.
//
//	go run ./examples/ambito
//
// then open http://localhost:8080 and sign in as one of the demo accounts:
// the code is printed in the log. The environment configures it: ADDR
// (":8080"), DATABASE_URL ("" = DATA_DIR/incroci.db), DATA_DIR ("./data"),
// INCROCI_SECRET (generated into DATA_DIR/secret when unset), PUBLIC_URL
// ("http://localhost:8080"), SMTP_URL and MAIL_FROM (unset: mail goes to the
// log), INCROCI_CHROMIUM (the browser that prints handouts to PDF; unset:
// chromium on PATH, if any; "off": no PDF).
package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/gin-gonic/gin"
)

func main() {
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	cfg, err := configFromEnv(os.Getenv)
	if err != nil {
		logger.Error("bad configuration", "err", err)
		os.Exit(2)
	}
	gin.SetMode(gin.ReleaseMode)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, logger); err != nil {
		logger.Error("hub failed", "err", err)
		os.Exit(1)
	}
}
