package toolkit

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"github.com/incrocicomuni/incroci/internal/i18n"
)

// hsdsQuery reads the HSDS lists' query parameters.
func hsdsQuery(c *gin.Context) (HSDSQuery, error) {
	page, perPage, err := httpx.PageParams(c)
	if err != nil {
		return HSDSQuery{}, err
	}
	q := HSDSQuery{Search: c.Query("search"), TaxonomyTermID: c.Query("taxonomy_term_id"), TaxonomyID: c.Query("taxonomy_id"),
		OrganizationID: c.Query("organization_id"), Comune: c.Query("comune"), Language: c.Query("language"), Ambito: c.Query("ambito"),
		Page: page, PerPage: perPage}
	var issues []httpx.FieldIssue
	for name, dst := range map[string]**float64{"lat": &q.Lat, "lon": &q.Lon, "radius_km": &q.RadiusKm} {
		v, ok := c.GetQuery(name)
		if !ok {
			continue
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			issues = append(issues, httpx.FieldIssue{Field: name, Rule: "number", Key: "toolkit.dir_number"})
			continue
		}
		*dst = &f
	}
	if issues != nil {
		return q, &httpx.ValidationError{Fields: issues}
	}
	return q, nil
}

// hsdsList answers one HSDS list, read by list from the query.
func hsdsList[T any](c *gin.Context, list func(q HSDSQuery) (*HSDSPage[T], error)) {
	q, err := hsdsQuery(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	p, err := list(q)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

// hsdsOne answers one HSDS object, read by get from the path's id.
func hsdsOne[T any](c *gin.Context, get func(id string) (*T, error)) {
	v, err := get(c.Param("id"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

func (t *Toolkit) handleHSDSMeta(c *gin.Context) {
	scheme := "https"
	if c.Request.TLS == nil && !strings.EqualFold(c.GetHeader("X-Forwarded-Proto"), "https") {
		scheme = "http"
	}
	base := strings.TrimSuffix(strings.TrimSuffix(c.Request.URL.Path, "/"), "/hsds")
	c.JSON(http.StatusOK, HSDSMeta{Version: HSDSVersion, Profile: HSDSProfile, OpenAPIURL: scheme + "://" + c.Request.Host + base + "/openapi.json"})
}

func (t *Toolkit) handleHSDSServices(c *gin.Context) {
	hsdsList(c, func(q HSDSQuery) (*HSDSPage[HSDSServiceSummary], error) {
		return t.HSDSServices(c.Request.Context(), q)
	})
}

func (t *Toolkit) handleHSDSService(c *gin.Context) {
	hsdsOne(c, func(id string) (*HSDSService, error) { return t.HSDSService(c.Request.Context(), id) })
}

func (t *Toolkit) handleHSDSOrganizations(c *gin.Context) {
	hsdsList(c, func(q HSDSQuery) (*HSDSPage[HSDSOrganizationSummary], error) {
		return t.HSDSOrganizations(c.Request.Context(), q)
	})
}

func (t *Toolkit) handleHSDSOrganization(c *gin.Context) {
	hsdsOne(c, func(id string) (*HSDSOrganization, error) { return t.HSDSOrganization(c.Request.Context(), id) })
}

func (t *Toolkit) handleHSDSLinks(c *gin.Context) {
	hsdsList(c, func(q HSDSQuery) (*HSDSPage[HSDSServiceAtLocation], error) {
		return t.HSDSServiceAtLocations(c.Request.Context(), q)
	})
}

func (t *Toolkit) handleHSDSLink(c *gin.Context) {
	hsdsOne(c, func(id string) (*HSDSServiceAtLocation, error) {
		return t.HSDSServiceAtLocation(c.Request.Context(), id)
	})
}

func (t *Toolkit) handleHSDSTaxonomies(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=3600")
	hsdsList(c, HSDSTaxonomyList)
}

func (t *Toolkit) handleHSDSTerms(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=3600")
	hsdsList(c, HSDSTaxonomyTerms)
}

func (t *Toolkit) handleExport(c *gin.Context) {
	doc, err := t.Export(c.Request.Context(), c.Query("ambito"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, doc)
}

// importErrorBody is the 422 answer to a document that was not imported.
type importErrorBody struct {
	Error struct {
		Code    string          `json:"code"`
		Message string          `json:"message"`
		Fields  []ImportProblem `json:"fields"`
	} `json:"error"`
}

func (t *Toolkit) handleImport(c *gin.Context) {
	if ct := c.GetHeader("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			httpx.Fail(c, httpx.ErrMediaType)
			return
		}
	}
	raw, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, MaxImport))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			httpx.Fail(c, &httpx.TooLargeError{Limit: MaxImport})
			return
		}
		httpx.Fail(c, httpx.ErrMalformed)
		return
	}
	res, err := t.Import(c.Request.Context(), c.Query("ambito"), raw)
	var ie *ImportError
	if errors.As(err, &ie) {
		var body importErrorBody
		body.Error.Code, body.Error.Message, body.Error.Fields = "validation", i18n.T(httpx.Lang(c), "err.validation"), ie.Problems
		c.AbortWithStatusJSON(http.StatusUnprocessableEntity, body)
		return
	}
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, res)
}

// dirWrite decodes a body into a new In (strictly: no unknown fields, no
// wrong types) and answers what save returns with status; save validates
// it, so that one 422 names every invalid field.
func dirWrite[In any, Out any](c *gin.Context, status int, save func(c *gin.Context, in In) (Out, error)) {
	var in In
	if err := readJSON(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	v, err := save(c, in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, status, v)
}

// readJSON reads a JSON body of at most 1 MiB into dst, as httpx.Bind does
// but leaving validation to the service.
func readJSON(c *gin.Context, dst any) error {
	if ct := c.GetHeader("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return httpx.ErrMediaType
		}
	}
	const limit = 1 << 20
	raw, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &httpx.TooLargeError{Limit: limit}
		}
		return httpx.ErrMalformed
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return httpx.ErrMalformed
	}
	return httpx.DecodeStrict(raw, dst)
}

func (t *Toolkit) handleCreateOrganization(c *gin.Context) {
	dirWrite(c, http.StatusCreated, func(c *gin.Context, in OrganizationInput) (*DirOrganization, error) {
		return t.CreateOrganization(c.Request.Context(), in)
	})
}

func (t *Toolkit) handleUpdateOrganization(c *gin.Context) {
	dirWrite(c, http.StatusOK, func(c *gin.Context, in OrganizationInput) (*DirOrganization, error) {
		return t.UpdateOrganization(c.Request.Context(), c.Param("id"), in)
	})
}

func (t *Toolkit) handleCreateService(c *gin.Context) {
	dirWrite(c, http.StatusCreated, func(c *gin.Context, in ServiceInput) (*DirService, error) {
		return t.CreateService(c.Request.Context(), in)
	})
}

func (t *Toolkit) handleUpdateService(c *gin.Context) {
	dirWrite(c, http.StatusOK, func(c *gin.Context, in ServiceInput) (*DirService, error) {
		return t.UpdateService(c.Request.Context(), c.Param("id"), in)
	})
}

func (t *Toolkit) handleCreateLocation(c *gin.Context) {
	dirWrite(c, http.StatusCreated, func(c *gin.Context, in LocationInput) (*DirLocation, error) {
		return t.CreateLocation(c.Request.Context(), in)
	})
}

func (t *Toolkit) handleUpdateLocation(c *gin.Context) {
	dirWrite(c, http.StatusOK, func(c *gin.Context, in LocationInput) (*DirLocation, error) {
		return t.UpdateLocation(c.Request.Context(), c.Param("id"), in)
	})
}

func (t *Toolkit) handleCreateLink(c *gin.Context) {
	dirWrite(c, http.StatusCreated, func(c *gin.Context, in ServiceAtLocationInput) (*DirServiceAtLocation, error) {
		return t.CreateServiceAtLocation(c.Request.Context(), in)
	})
}

func (t *Toolkit) handleUpdateLink(c *gin.Context) {
	dirWrite(c, http.StatusOK, func(c *gin.Context, in ServiceAtLocationInput) (*DirServiceAtLocation, error) {
		return t.UpdateServiceAtLocation(c.Request.Context(), c.Param("id"), in)
	})
}

// dirDelete answers 204 when del removes the path's entry.
func dirDelete(c *gin.Context, del func(c *gin.Context, id string) error) {
	if err := del(c, c.Param("id")); err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (t *Toolkit) handleDeleteOrganization(c *gin.Context) {
	dirDelete(c, func(c *gin.Context, id string) error { return t.DeleteOrganization(c.Request.Context(), id) })
}

func (t *Toolkit) handleDeleteService(c *gin.Context) {
	dirDelete(c, func(c *gin.Context, id string) error { return t.DeleteService(c.Request.Context(), id) })
}

func (t *Toolkit) handleDeleteLocation(c *gin.Context) {
	dirDelete(c, func(c *gin.Context, id string) error { return t.DeleteLocation(c.Request.Context(), id) })
}

func (t *Toolkit) handleDeleteLink(c *gin.Context) {
	dirDelete(c, func(c *gin.Context, id string) error { return t.DeleteServiceAtLocation(c.Request.Context(), id) })
}

// handleCheck marks the path's entry of kind checked today.
func (t *Toolkit) handleCheck(kind DirKind) gin.HandlerFunc {
	return func(c *gin.Context) {
		v, err := t.MarkDirChecked(c.Request.Context(), kind, c.Param("id"))
		if err != nil {
			httpx.Fail(c, err)
			return
		}
		httpx.OK(c, http.StatusOK, v)
	}
}
