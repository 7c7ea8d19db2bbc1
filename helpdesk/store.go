package helpdesk

import "github.com/incrocicomuni/incroci/internal/files"

// AttachmentStore keeps the bytes of attachments; the database keeps what
// they are. Keys are chosen by the module: random, with no personal data.
// Partners plug in their own (an object store) by implementing it; the
// toolkit takes the same kind of store.
type AttachmentStore = files.Store

// ErrNoSuchFile is returned by an AttachmentStore's Open for a key that
// holds nothing.
var ErrNoSuchFile = files.ErrNoSuchFile

// DiskStore is an AttachmentStore in a folder of the local disk.
type DiskStore = files.DiskStore

// NewDiskStore returns a store in dir, creating it (mode 0700) if needed.
func NewDiskStore(dir string) (*DiskStore, error) { return files.NewDiskStore(dir) }

// defaultAttachmentTypes are the files operators and consultants exchange:
// documents and scans.
var defaultAttachmentTypes = []string{
	"application/pdf", "image/jpeg", "image/png", "text/plain",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"application/vnd.oasis.opendocument.text",
}
