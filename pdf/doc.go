// Package pdf prints HTML pages to PDF files, for the documents that incroci
// hands out on paper: a sheet's handout in Italian beside another language,
// a training certificate.
//
// [Printer] is the interface the modules take (toolkit.Config.Printer, for
// one); [Chromium] is its implementation, a headless Chromium driven through
// the DevTools protocol. A browser prints what the pages already show on
// screen, with the same fonts and the same text shaping, so Arabic, Persian
// or Urdu come out joined and right to left, which Go's own PDF writers do
// not do.
//
// The page to print must be self-contained: images, fonts and styles inline
// or as data: URIs. The printer serves the page itself and refuses every
// other request of the page, runs none of its scripts, and takes the paper
// size and margins from its @page rule (A4 with 1 cm margins otherwise).
//
//	p, err := pdf.NewChromium(pdf.ChromiumConfig{}) // finds chromium on PATH
//	if err != nil { … }                            // errors.Is(err, pdf.ErrNoBrowser)
//	defer p.Close()
//	doc, err := p.Print(ctx, page)
//
// On Debian the browser is the package chromium; Arabic text needs a font
// that has Arabic letters, such as those of fonts-dejavu-core or
// fonts-noto-core.
package pdf
