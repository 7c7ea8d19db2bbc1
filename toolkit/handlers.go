package toolkit

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci/internal/files"
	"github.com/incrocicomuni/incroci/internal/httpx"
)

// bind decodes a JSON body of at most the sections' worth of text.
func (t *Toolkit) bind(c *gin.Context, dst any) bool {
	limit := int64(t.cfg.MaxSection)*4*int64(len(SectionKeys)) + 64<<10
	if err := httpx.Bind(c, dst, limit); err != nil {
		httpx.Fail(c, err)
		return false
	}
	return true
}

// sheetID reads the sheet's id from the path; anything else is not found.
func sheetID(c *gin.Context) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		httpx.Fail(c, ErrSheetNotFound)
		return 0, false
	}
	return id, true
}

func (t *Toolkit) handleTopics(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=3600")
	httpx.OK(c, http.StatusOK, Topics())
}

func (t *Toolkit) handleList(c *gin.Context) {
	page, perPage, err := httpx.PageParams(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	q := SheetQuery{Topic: c.Query("topic"), Audience: Audience(c.Query("audience")), Ambito: c.Query("ambito"), State: State(c.Query("state")),
		Q: c.Query("q"), Pending: c.Query("pending") == "true", Page: page, PerPage: perPage}
	list, total, err := t.List(c.Request.Context(), q)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.List(c, list, httpx.Page{Page: page, PerPage: perPage, Total: total})
}

func (t *Toolkit) handlePropose(c *gin.Context) {
	var in SheetInput
	if !t.bind(c, &in) {
		return
	}
	v, err := t.Propose(c.Request.Context(), in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusCreated, v)
}

func (t *Toolkit) handleGet(c *gin.Context) {
	id, ok := sheetID(c)
	if !ok {
		return
	}
	var v *SheetView
	var err error
	if q, ok := c.GetQuery("revision"); ok {
		// A revision id that is not one is a revision not found.
		rid, perr := strconv.ParseInt(q, 10, 64)
		if perr != nil || rid <= 0 {
			httpx.Fail(c, ErrRevisionNotFound)
			return
		}
		v, err = t.GetRevision(c.Request.Context(), id, rid)
	} else {
		v, err = t.Get(c.Request.Context(), id)
	}
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, v)
}

func (t *Toolkit) handleRevisions(c *gin.Context) {
	id, ok := sheetID(c)
	if !ok {
		return
	}
	list, err := t.Revisions(c.Request.Context(), id)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, list)
}

func (t *Toolkit) handleRevise(c *gin.Context) {
	id, ok := sheetID(c)
	if !ok {
		return
	}
	var in RevisionInput
	if !t.bind(c, &in) {
		return
	}
	r, err := t.Revise(c.Request.Context(), id, in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusCreated, r)
}

func (t *Toolkit) handleDiff(c *gin.Context) {
	id, ok := sheetID(c)
	if !ok {
		return
	}
	var ids [2]int64
	var issues []httpx.FieldIssue
	for i, name := range []string{"from", "to"} {
		n, err := strconv.ParseInt(c.Query(name), 10, 64)
		if err != nil || n <= 0 {
			issues = append(issues, httpx.FieldIssue{Field: name, Rule: "required", Key: "toolkit.revision_not_found"})
		}
		ids[i] = n
	}
	if issues != nil {
		httpx.Fail(c, &httpx.ValidationError{Fields: issues})
		return
	}
	d, err := t.Diff(c.Request.Context(), id, ids[0], ids[1])
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, d)
}

// decide runs one of the editors' decisions on the sheet of the path.
func (t *Toolkit) decide(c *gin.Context, do func(ctx context.Context, id int64, in ReviewInput) (*SheetView, error)) {
	id, ok := sheetID(c)
	if !ok {
		return
	}
	var in ReviewInput
	if !t.bind(c, &in) {
		return
	}
	v, err := do(c.Request.Context(), id, in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, v)
}

func (t *Toolkit) handlePublish(c *gin.Context)  { t.decide(c, t.Publish) }
func (t *Toolkit) handleReject(c *gin.Context)   { t.decide(c, t.Reject) }
func (t *Toolkit) handleRollback(c *gin.Context) { t.decide(c, t.Rollback) }

func (t *Toolkit) handleArchive(c *gin.Context) {
	id, ok := sheetID(c)
	if !ok {
		return
	}
	v, err := t.Archive(c.Request.Context(), id)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, v)
}

func (t *Toolkit) handleComments(c *gin.Context) {
	id, ok := sheetID(c)
	if !ok {
		return
	}
	list, err := t.Comments(c.Request.Context(), id)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, list)
}

func (t *Toolkit) handleComment(c *gin.Context) {
	id, ok := sheetID(c)
	if !ok {
		return
	}
	var in CommentInput
	if !t.bind(c, &in) {
		return
	}
	cm, err := t.AddComment(c.Request.Context(), id, in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusCreated, cm)
}

func (t *Toolkit) handleGiveFeedback(c *gin.Context) {
	id, ok := sheetID(c)
	if !ok {
		return
	}
	var in FeedbackInput
	if !t.bind(c, &in) {
		return
	}
	if err := t.GiveFeedback(c.Request.Context(), id, in); err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (t *Toolkit) handleFeedback(c *gin.Context) {
	id, ok := sheetID(c)
	if !ok {
		return
	}
	s, err := t.FeedbackOf(c.Request.Context(), id)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, s)
}

func (t *Toolkit) handleGlossary(c *gin.Context) {
	list, err := t.Glossary(c.Request.Context(), c.Query("q"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.List(c, list, httpx.Page{Page: 1, PerPage: len(list), Total: int64(len(list))})
}

// termID reads a glossary entry's id from the path (0 when the route has
// none); anything else is not found.
func glossaryID(c *gin.Context) (int64, bool) {
	if c.Param("id") == "" {
		return 0, true
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		httpx.Fail(c, ErrTermNotFound)
		return 0, false
	}
	return id, true
}

func (t *Toolkit) handleSaveTerm(c *gin.Context) {
	id, ok := glossaryID(c)
	if !ok {
		return
	}
	var in TermInput
	if !t.bind(c, &in) {
		return
	}
	term, err := t.SaveTerm(c.Request.Context(), id, in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	status := http.StatusOK
	if id == 0 {
		status = http.StatusCreated
	}
	httpx.OK(c, status, term)
}

func (t *Toolkit) handleDeleteTerm(c *gin.Context) {
	id, ok := glossaryID(c)
	if !ok {
		return
	}
	if err := t.DeleteTerm(c.Request.Context(), id); err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (t *Toolkit) handleSearch(c *gin.Context) {
	page, perPage, err := httpx.PageParams(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	q := SearchQuery{Q: c.Query("q"), Kind: ResultKind(c.Query("kind")), Topic: c.Query("topic"), Audience: c.Query("audience"), Lang: c.Query("lang"),
		Ambito: c.Query("ambito"), Comune: c.Query("comune"), Page: page, PerPage: perPage}
	list, total, err := t.Search(c.Request.Context(), q)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.List(c, list, httpx.Page{Page: page, PerPage: perPage, Total: total})
}

func (t *Toolkit) handleUpdateSheet(c *gin.Context) {
	id, ok := sheetID(c)
	if !ok {
		return
	}
	var in SheetPatch
	if !t.bind(c, &in) {
		return
	}
	v, err := t.UpdateSheet(c.Request.Context(), id, in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, v)
}

func (t *Toolkit) handleChecked(c *gin.Context) {
	id, ok := sheetID(c)
	if !ok {
		return
	}
	v, err := t.MarkChecked(c.Request.Context(), id)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, v)
}

func (t *Toolkit) handleSheetSources(c *gin.Context) {
	id, ok := sheetID(c)
	if !ok {
		return
	}
	list, err := t.SheetSources(c.Request.Context(), id)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, list)
}

func (t *Toolkit) handleSetSheetSources(c *gin.Context) {
	id, ok := sheetID(c)
	if !ok {
		return
	}
	var in SheetSourcesInput
	if !t.bind(c, &in) {
		return
	}
	list, err := t.SetSheetSources(c.Request.Context(), id, in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, list)
}

func (t *Toolkit) handleQueue(c *gin.Context) {
	page, perPage, err := httpx.PageParams(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	list, total, err := t.Queue(c.Request.Context(), QueueQuery{Ambito: c.Query("ambito"), Page: page, PerPage: perPage})
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.List(c, list, httpx.Page{Page: page, PerPage: perPage, Total: total})
}

// sourceID reads the source's id from the path; anything else is not found.
func sourceID(c *gin.Context) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		httpx.Fail(c, ErrSourceNotFound)
		return 0, false
	}
	return id, true
}

func (t *Toolkit) handleSources(c *gin.Context) {
	page, perPage, err := httpx.PageParams(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	list, total, err := t.ListSources(c.Request.Context(), SourceQuery{Ambito: c.Query("ambito"), Q: c.Query("q"), Page: page, PerPage: perPage})
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.List(c, list, httpx.Page{Page: page, PerPage: perPage, Total: total})
}

func (t *Toolkit) handleCreateSource(c *gin.Context) {
	var in SourceInput
	if !t.bind(c, &in) {
		return
	}
	v, err := t.CreateSource(c.Request.Context(), in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusCreated, v)
}

func (t *Toolkit) handleSource(c *gin.Context) {
	id, ok := sourceID(c)
	if !ok {
		return
	}
	v, err := t.GetSource(c.Request.Context(), id)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, v)
}

func (t *Toolkit) handleUpdateSource(c *gin.Context) {
	id, ok := sourceID(c)
	if !ok {
		return
	}
	var in SourcePatch
	if !t.bind(c, &in) {
		return
	}
	v, err := t.UpdateSource(c.Request.Context(), id, in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, v)
}

func (t *Toolkit) handleLanguages(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=3600")
	httpx.OK(c, http.StatusOK, Languages())
}

func (t *Toolkit) handleTranslations(c *gin.Context) {
	id, ok := sheetID(c)
	if !ok {
		return
	}
	list, err := t.Translations(c.Request.Context(), id)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, list)
}

func (t *Toolkit) handleWriteTranslation(c *gin.Context) {
	id, ok := sheetID(c)
	if !ok {
		return
	}
	var in TranslationInput
	if !t.bind(c, &in) {
		return
	}
	v, err := t.WriteTranslation(c.Request.Context(), id, c.Param("lang"), in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, v)
}

func (t *Toolkit) handleCheckTranslation(c *gin.Context) {
	id, ok := sheetID(c)
	if !ok {
		return
	}
	v, err := t.CheckTranslation(c.Request.Context(), id, c.Param("lang"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, v)
}

// handleHandout serves a sheet laid out for print as an HTML page of its
// own, under a strict Content-Security-Policy (its style and its print
// button by nonce, the QR code as a data: image, nothing else).
func (t *Toolkit) handleHandout(c *gin.Context) {
	id, ok := sheetID(c)
	if !ok {
		return
	}
	var h *Handout
	var err error
	if key, ok := c.GetQuery("key"); ok {
		h, err = t.HandoutByKey(c.Request.Context(), id, c.Query("lang"), key)
	} else {
		h, err = t.Handout(c.Request.Context(), id, c.Query("lang"))
	}
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	nonce := newNonce()
	page, err := RenderHandout(h, nonce)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Header("Content-Security-Policy", "default-src 'none'; style-src 'nonce-"+nonce+"'; script-src 'nonce-"+nonce+"'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Referrer-Policy", "no-referrer")
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "text/html; charset=utf-8", page)
}

// attachmentID reads the attachment's id from the path.
func attachmentID(c *gin.Context) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("aid"), 10, 64)
	if err != nil || id <= 0 {
		httpx.Fail(c, ErrAttachmentNotFound)
		return 0, false
	}
	return id, true
}

func (t *Toolkit) handleAttachments(c *gin.Context) {
	id, ok := sheetID(c)
	if !ok {
		return
	}
	list, err := t.Attachments(c.Request.Context(), id)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, list)
}

func (t *Toolkit) handleAttach(c *gin.Context) {
	id, ok := sheetID(c)
	if !ok {
		return
	}
	fh, err := files.FormFile(c, "file", t.cfg.MaxAttachment)
	if errors.Is(err, files.ErrEmpty) {
		err = httpx.Invalid("file", "required", "toolkit.file_empty")
	}
	if err != nil {
		httpx.Fail(c, fileTooLarge(err))
		return
	}
	in := AttachmentInput{Title: c.PostForm("title"), Lang: c.PostForm("lang")}
	if v := c.PostForm("revision_id"); v != "" {
		if in.RevisionID, err = strconv.ParseInt(v, 10, 64); err != nil || in.RevisionID <= 0 {
			httpx.Fail(c, httpx.Invalid("revision_id", "exists", "toolkit.revision_not_found"))
			return
		}
	}
	f, err := fh.Open()
	if err != nil {
		httpx.Fail(c, fmt.Errorf("toolkit: open upload: %w", err))
		return
	}
	defer f.Close()
	a, err := t.Attach(c.Request.Context(), id, in, fh.Filename, f)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusCreated, a)
}

func (t *Toolkit) handleDownload(c *gin.Context) {
	id, ok := sheetID(c)
	if !ok {
		return
	}
	aid, ok := attachmentID(c)
	if !ok {
		return
	}
	a, rc, err := t.OpenAttachment(c.Request.Context(), id, aid)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	defer rc.Close()
	files.Serve(c, a.Name, a.ContentType, a.Size, rc)
}

func (t *Toolkit) handleRemoveAttachment(c *gin.Context) {
	id, ok := sheetID(c)
	if !ok {
		return
	}
	aid, ok := attachmentID(c)
	if !ok {
		return
	}
	if err := t.RemoveAttachment(c.Request.Context(), id, aid); err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (t *Toolkit) handleSettings(c *gin.Context) {
	httpx.OK(c, http.StatusOK, t.Settings())
}

// handleHandoutLink signs a short-lived address of the handout, for a tab
// of its own (see HandoutLink).
func (t *Toolkit) handleHandoutLink(c *gin.Context) {
	id, ok := sheetID(c)
	if !ok {
		return
	}
	l, err := t.HandoutLink(c.Request.Context(), id, c.Query("lang"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	httpx.OK(c, http.StatusOK, l)
}

// handleHandoutPDF serves the same handout printed to PDF by the toolkit's
// Printer, as a download.
func (t *Toolkit) handleHandoutPDF(c *gin.Context) {
	id, ok := sheetID(c)
	if !ok {
		return
	}
	var doc *PrintedHandout
	var err error
	if key, ok := c.GetQuery("key"); ok {
		doc, err = t.PrintHandoutByKey(c.Request.Context(), id, c.Query("lang"), key)
	} else {
		doc, err = t.PrintHandout(c.Request.Context(), id, c.Query("lang"))
	}
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": doc.Filename}))
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "application/pdf", doc.PDF)
}
