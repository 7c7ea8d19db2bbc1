package helpdesk

import "time"

// Settings are the limits of the help desk that widgets show people before
// they act: how large a file may be and of which types, how long a
// message, and how long before a mediation booking its cancellation is
// charged.
type Settings struct {
	MaxAttachment   int64    `json:"max_attachment_bytes"`
	AttachmentTypes []string `json:"attachment_types"`
	MaxMessage      int      `json:"max_message_chars"`
	// NoticeHours is the mediation notice window in hours: a confirmed
	// booking cancelled later than this before its start stays charged.
	NoticeHours float64 `json:"mediation_notice_hours"`
}

// Settings returns the help desk's limits, as configured.
func (h *Helpdesk) Settings() Settings {
	return Settings{MaxAttachment: h.cfg.MaxAttachment, AttachmentTypes: h.cfg.AttachmentTypes, MaxMessage: h.cfg.MaxMessage,
		NoticeHours: h.mediation().NoticeWindow.Hours()}
}

// chargeFrom is when cancelling a confirmed booking starting at start
// begins to be charged.
func (h *Helpdesk) chargeFrom(start time.Time) time.Time {
	return start.Add(-h.mediation().NoticeWindow)
}
