package pdf_test

import (
	"context"
	"errors"
	"log"
	"os"
	"time"

	"github.com/incrocicomuni/incroci/pdf"
)

// A server prints with the Chromium on PATH when there is one, and does
// without PDF otherwise. Give the printer to the modules that print (for
// the toolkit: toolkit.Config{Printer: printer}) and close it on shutdown.
func ExampleChromium() {
	printer, err := pdf.NewChromium(pdf.ChromiumConfig{
		Path:    os.Getenv("INCROCI_CHROMIUM"), // "" looks on PATH
		MaxJobs: 2,
		Timeout: 30 * time.Second,
	})
	if errors.Is(err, pdf.ErrNoBrowser) {
		log.Printf("no PDF: %v", err)
		return
	}
	if err != nil {
		log.Fatal(err)
	}
	defer printer.Close()

	page := []byte(`<!DOCTYPE html><html lang="it"><meta charset="utf-8"><title>Attestato</title>
<style>@page{size:A4 landscape;margin:2cm} h1{text-align:center}</style>
<h1>Attestato di partecipazione</h1></html>`)
	doc, err := printer.Print(context.Background(), page)
	if err != nil {
		log.Fatal(err)
	}
	os.WriteFile("attestato.pdf", doc, 0o644)
}
