package training

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci/internal/files"
	"github.com/incrocicomuni/incroci/internal/httpx"
)

// fileID reads the file's id in the path; anything but a positive integer
// is ErrFileNotFound.
func fileID(c *gin.Context) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("fid"), 10, 64)
	if err != nil || id <= 0 {
		httpx.Fail(c, ErrFileNotFound)
		return 0, false
	}
	return id, true
}

func (t *Training) handleFiles(c *gin.Context) {
	id, ok := pathID(c, ErrCourseNotFound)
	if !ok {
		return
	}
	out, err := t.CourseFiles(c.Request.Context(), id)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, out)
}

func (t *Training) handleAddFile(c *gin.Context) {
	id, ok := pathID(c, ErrCourseNotFound)
	if !ok {
		return
	}
	fh, err := files.FormFile(c, "file", t.cfg.MaxFile)
	if errors.Is(err, files.ErrEmpty) {
		err = httpx.Invalid("file", "required", "training.file_empty")
	}
	if err != nil {
		httpx.Fail(c, fileTooLarge(err))
		return
	}
	f, err := fh.Open()
	if err != nil {
		httpx.Fail(c, fmt.Errorf("training: open upload: %w", err))
		return
	}
	defer f.Close()
	out, err := t.AddFile(c.Request.Context(), id, FileInput{Title: c.PostForm("title")}, fh.Filename, f)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusCreated, out)
}

func (t *Training) handleDownloadFile(c *gin.Context) {
	id, ok := pathID(c, ErrCourseNotFound)
	if !ok {
		return
	}
	fid, ok := fileID(c)
	if !ok {
		return
	}
	f, rc, err := t.OpenFile(c.Request.Context(), id, fid)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	defer rc.Close()
	files.Serve(c, f.Name, f.ContentType, f.Size, rc)
}

func (t *Training) handleRemoveFile(c *gin.Context) {
	id, ok := pathID(c, ErrCourseNotFound)
	if !ok {
		return
	}
	fid, ok := fileID(c)
	if !ok {
		return
	}
	if err := t.RemoveFile(c.Request.Context(), id, fid); err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
