// Package samplefiles builds small real documents of the kinds people attach
// (PDF, OpenDocument and Office Open XML text and spreadsheets), in code,
// for tests and for the demo hub's seed: each opens in the usual programs,
// and each is judged by its content as what it is.
package samplefiles

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// PDF returns a one-page A4 PDF with title in bold and lines below it,
// in Helvetica (Latin-1 text; other characters print as "?").
func PDF(title string, lines ...string) []byte {
	var content bytes.Buffer
	content.WriteString("BT\n/F2 16 Tf\n56 780 Td\n(" + pdfText(title) + ") Tj\n/F1 11 Tf\n0 -28 Td\n14 TL\n")
	for _, l := range lines {
		content.WriteString("(" + pdfText(l) + ") '\n")
	}
	content.WriteString("ET\n")
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
	}
	var out bytes.Buffer
	out.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return out.Bytes()
}

// pdfText encodes s for a PDF string in WinAnsi, escaping what must be.
func pdfText(s string) string {
	b, err := charmap.Windows1252.NewEncoder().String(strings.Map(func(r rune) rune {
		if _, ok := charmap.Windows1252.EncodeRune(r); !ok {
			return '?'
		}
		return r
	}, s))
	if err != nil {
		b = "?"
	}
	return strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`, "\r", "", "\n", " ").Replace(b)
}

// ZIP builds a zip archive of name/content pairs, in order; the first,
// when named "mimetype", is stored uncompressed as OpenDocument wants.
func ZIP(entries ...string) []byte {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for i := 0; i+1 < len(entries); i += 2 {
		h := &zip.FileHeader{Name: entries[i], Method: zip.Deflate}
		if entries[i] == "mimetype" {
			h.Method = zip.Store
		}
		f, err := w.CreateHeader(h)
		if err != nil {
			panic(err)
		}
		f.Write([]byte(entries[i+1]))
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

const odfManifest = `<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="%s"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>`

const odfContent = `<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.2"><office:body>%s</office:body></office:document-content>`

// ODT returns an OpenDocument text with title as a heading and one
// paragraph per line.
func ODT(title string, lines ...string) []byte {
	const mt = "application/vnd.oasis.opendocument.text"
	body := `<text:h text:outline-level="1">` + esc(title) + `</text:h>`
	for _, l := range lines {
		body += "<text:p>" + esc(l) + "</text:p>"
	}
	return ZIP("mimetype", mt, "META-INF/manifest.xml", fmt.Sprintf(odfManifest, mt),
		"content.xml", fmt.Sprintf(odfContent, "<office:text>"+body+"</office:text>"))
}

// ODS returns an OpenDocument spreadsheet with one row per record.
func ODS(rows ...[]string) []byte {
	const mt = "application/vnd.oasis.opendocument.spreadsheet"
	body := `<table:table table:name="Foglio1">`
	for _, r := range rows {
		body += "<table:table-row>"
		for _, c := range r {
			body += `<table:table-cell office:value-type="string"><text:p>` + esc(c) + "</text:p></table:table-cell>"
		}
		body += "</table:table-row>"
	}
	body += "</table:table>"
	return ZIP("mimetype", mt, "META-INF/manifest.xml", fmt.Sprintf(odfManifest, mt),
		"content.xml", fmt.Sprintf(odfContent, "<office:spreadsheet>"+body+"</office:spreadsheet>"))
}

const ooxmlRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="%s"/></Relationships>`

// DOCX returns a Word document with one paragraph per line.
func DOCX(lines ...string) []byte {
	body := ""
	for _, l := range lines {
		body += "<w:p><w:r><w:t>" + esc(l) + "</w:t></w:r></w:p>"
	}
	return ZIP("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"_rels/.rels", fmt.Sprintf(ooxmlRels, "word/document.xml"),
		"word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`+body+`</w:body></w:document>`)
}

// XLSX returns an Excel workbook with one row per record (inline strings).
func XLSX(rows ...[]string) []byte {
	data := ""
	for _, r := range rows {
		data += "<row>"
		for _, c := range r {
			data += `<c t="inlineStr"><is><t>` + esc(c) + "</t></is></c>"
		}
		data += "</row>"
	}
	return ZIP("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
		"_rels/.rels", fmt.Sprintf(ooxmlRels, "xl/workbook.xml"),
		"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Foglio1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`+data+`</sheetData></worksheet>`)
}
