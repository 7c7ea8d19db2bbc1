package toolkit

import (
	"bytes"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

var (
	md     = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify))
	policy = sync.OnceValue(func() *bluemonday.Policy {
		// User-generated content: formatting, lists, tables and links; no
		// script, style, event handler, form or frame. Links open safely.
		p := bluemonday.UGCPolicy()
		p.RequireNoReferrerOnLinks(true)
		p.AddTargetBlankToFullyQualifiedLinks(true)
		return p
	})
)

// RenderMarkdown turns the Markdown of a section into sanitised HTML. Raw
// HTML in the source is shown as the text it is (every "<" is escaped
// before goldmark renders the Markdown), and bluemonday's policy for user
// content then removes whatever could still run or restyle the page.
func RenderMarkdown(src string) string {
	src = strings.ReplaceAll(src, "<", "&lt;")
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		// goldmark only fails on a failing writer; a bytes.Buffer does not.
		return policy().Sanitize(src)
	}
	return strings.TrimSpace(policy().Sanitize(buf.String()))
}
