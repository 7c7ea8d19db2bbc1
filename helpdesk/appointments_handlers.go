package helpdesk

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci/internal/httpx"
)

func (h *Helpdesk) handleProposeAppointments(c *gin.Context) {
	id, ok := idParam(c, "id", ErrConsultationNotFound)
	if !ok {
		return
	}
	var in ProposeInput
	if !h.bind(c, &in) {
		return
	}
	slots, err := h.ProposeAppointments(c.Request.Context(), id, in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusCreated, slots)
}

func (h *Helpdesk) handleListAppointments(c *gin.Context) {
	id, ok := idParam(c, "id", ErrConsultationNotFound)
	if !ok {
		return
	}
	slots, err := h.Appointments(c.Request.Context(), id)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.List(c, slots, httpx.Page{Page: 1, PerPage: len(slots), Total: int64(len(slots))})
}

func (h *Helpdesk) handleAcceptAppointment(c *gin.Context) {
	h.slotAction(c, h.AcceptAppointment)
}

func (h *Helpdesk) handleCancelAppointment(c *gin.Context) {
	h.slotAction(c, h.CancelAppointment)
}

// slotAction runs an action on one slot of a consultation: POST with no body.
func (h *Helpdesk) slotAction(c *gin.Context, act func(ctx context.Context, id, slotID int64) (*AppointmentSlot, error)) {
	id, ok := idParam(c, "id", ErrConsultationNotFound)
	if !ok {
		return
	}
	slotID, ok := idParam(c, "slot", ErrAppointmentNotFound)
	if !ok {
		return
	}
	s, err := act(c.Request.Context(), id, slotID)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, s)
}
