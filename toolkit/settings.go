package toolkit

// Settings are the toolkit's limits that widgets show people before they
// act: how large a sheet's file may be and of which types, and how long a
// section.
type Settings struct {
	MaxAttachment   int64    `json:"max_attachment_bytes"`
	AttachmentTypes []string `json:"attachment_types"`
	MaxSection      int      `json:"max_section_chars"`
}

// Settings returns the toolkit's limits, as configured.
func (t *Toolkit) Settings() Settings {
	return Settings{MaxAttachment: t.cfg.MaxAttachment, AttachmentTypes: t.cfg.AttachmentTypes, MaxSection: t.cfg.MaxSection}
}
