package helpdesk

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci/internal/httpx"
)

// bindOptional binds a JSON body when there is one: the actions on
// mediation requests take an optional body.
func (h *Helpdesk) bindOptional(c *gin.Context, dst any) bool {
	if c.Request.ContentLength == 0 {
		return true
	}
	return h.bind(c, dst)
}

func (h *Helpdesk) handleListPackages(c *gin.Context) {
	pkgs, err := h.Packages(c.Request.Context(), c.Query("ambito"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.List(c, pkgs, httpx.Page{Page: 1, PerPage: len(pkgs), Total: int64(len(pkgs))})
}

func (h *Helpdesk) handleCreatePackage(c *gin.Context) {
	var in PackageInput
	if !h.bind(c, &in) {
		return
	}
	pkg, err := h.CreatePackage(c.Request.Context(), in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusCreated, pkg)
}

func (h *Helpdesk) handleGetPackage(c *gin.Context) {
	id, ok := idParam(c, "id", ErrPackageNotFound)
	if !ok {
		return
	}
	pkg, err := h.Package(c.Request.Context(), id)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, pkg)
}

func (h *Helpdesk) handleAddHours(c *gin.Context) {
	id, ok := idParam(c, "id", ErrPackageNotFound)
	if !ok {
		return
	}
	var in HoursInput
	if !h.bind(c, &in) {
		return
	}
	pkg, err := h.AddHours(c.Request.Context(), id, in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, pkg)
}

func (h *Helpdesk) handleLedger(c *gin.Context) {
	id, ok := idParam(c, "id", ErrPackageNotFound)
	if !ok {
		return
	}
	page, perPage, err := httpx.PageParams(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	entries, total, err := h.Ledger(c.Request.Context(), id, page, perPage)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.List(c, entries, httpx.Page{Page: page, PerPage: perPage, Total: total})
}

func (h *Helpdesk) handleMyProfile(c *gin.Context) {
	p, err := h.MyMediatorProfile(c.Request.Context())
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, p)
}

func (h *Helpdesk) handleUpdateProfile(c *gin.Context) {
	var in MediatorProfileInput
	if !h.bind(c, &in) {
		return
	}
	p, err := h.UpdateMediatorProfile(c.Request.Context(), in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, p)
}

func (h *Helpdesk) handleListMediators(c *gin.Context) {
	list, err := h.Mediators(c.Request.Context(), c.Query("ambito"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.List(c, list, httpx.Page{Page: 1, PerPage: len(list), Total: int64(len(list))})
}

func (h *Helpdesk) handleListMediation(c *gin.Context) {
	page, perPage, err := httpx.PageParams(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	q := MediationQuery{Status: MediationStatus(c.Query("status")), Ambito: c.Query("ambito"), Mine: c.Query("mine") == "true", Page: page, PerPage: perPage}
	list, total, err := h.MediationRequests(c.Request.Context(), q)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.List(c, list, httpx.Page{Page: page, PerPage: perPage, Total: total})
}

func (h *Helpdesk) handleRequestMediator(c *gin.Context) {
	var in MediationInput
	if !h.bind(c, &in) {
		return
	}
	r, err := h.RequestMediator(c.Request.Context(), in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusCreated, r)
}

func (h *Helpdesk) handleGetMediation(c *gin.Context) {
	id, ok := idParam(c, "id", ErrMediationNotFound)
	if !ok {
		return
	}
	r, err := h.MediationRequestByID(c.Request.Context(), id)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, r)
}

// ConfirmInput names the mediator to book; without one the hub matches.
type ConfirmInput struct {
	MediatorID int64 `json:"mediator_id" validate:"min=0"`
}

func (h *Helpdesk) handleConfirmMediation(c *gin.Context) {
	id, ok := idParam(c, "id", ErrMediationNotFound)
	if !ok {
		return
	}
	var in ConfirmInput
	if !h.bindOptional(c, &in) {
		return
	}
	r, err := h.ConfirmMediation(c.Request.Context(), id, in.MediatorID)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, r)
}

func (h *Helpdesk) handleCancelMediation(c *gin.Context) {
	id, ok := idParam(c, "id", ErrMediationNotFound)
	if !ok {
		return
	}
	var in CancelInput
	if !h.bindOptional(c, &in) {
		return
	}
	r, err := h.CancelMediation(c.Request.Context(), id, in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, r)
}

func (h *Helpdesk) handleCompleteMediation(c *gin.Context) {
	id, ok := idParam(c, "id", ErrMediationNotFound)
	if !ok {
		return
	}
	r, err := h.CompleteMediation(c.Request.Context(), id)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, r)
}
