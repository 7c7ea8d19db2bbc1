package training

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/files"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"gorm.io/gorm"
)

// fileAnswers answer the files Judge refuses.
var fileAnswers = files.Answers{EmptyKey: "training.file_empty", Type: ErrFileType, TooLarge: ErrFileTooLarge}

// FileStore keeps the bytes of courses' files; the database keeps what
// they are. It is the same kind of store the help desk and the toolkit
// take, and one store may serve them all (keys are random).
type FileStore = files.Store

// NewDiskStore returns a FileStore in dir, creating it (mode 0700) if
// needed.
func NewDiskStore(dir string) (FileStore, error) { return files.NewDiskStore(dir) }

// lazyDisk is the default FileStore: a DiskStore in dir, made on first
// use, so that a hub whose courses have no files makes no folder.
type lazyDisk struct {
	dir  string
	once sync.Once
	s    FileStore
	err  error
}

func (l *lazyDisk) store() (FileStore, error) {
	l.once.Do(func() { l.s, l.err = NewDiskStore(l.dir) })
	return l.s, l.err
}

func (l *lazyDisk) Put(ctx context.Context, key string, r io.Reader) error {
	s, err := l.store()
	if err != nil {
		return err
	}
	return s.Put(ctx, key, r)
}

func (l *lazyDisk) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	s, err := l.store()
	if err != nil {
		return nil, err
	}
	return s.Open(ctx, key)
}

func (l *lazyDisk) Delete(ctx context.Context, key string) error {
	s, err := l.store()
	if err != nil {
		return err
	}
	return s.Delete(ctx, key)
}

// DefaultFileTypes are the files a course takes by default, as their
// content shows them: PDF, OpenDocument and Office documents,
// spreadsheets and presentations, plain text, PNG and JPEG.
var DefaultFileTypes = []string{
	"application/pdf",
	"application/vnd.oasis.opendocument.text",
	"application/vnd.oasis.opendocument.spreadsheet",
	"application/vnd.oasis.opendocument.presentation",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation",
	"text/plain",
	"image/png", "image/jpeg",
}

// CourseFile is a file a course gives its participants (slides, handouts,
// exercises), beside its Materials (links and toolkit sheets). The type is
// the one its content shows.
type CourseFile struct {
	ID          int64     `gorm:"primaryKey" json:"id"`
	CourseID    int64     `json:"course_id"`
	Title       string    `json:"title"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	StorageKey  string    `json:"-"`
	UploadedBy  int64     `json:"uploaded_by"`
	CreatedAt   time.Time `json:"created_at"`
}

// TableName places the table under the module's prefix.
func (CourseFile) TableName() string { return "incroci_training_files" }

// FileInput describes a file added to a course.
type FileInput struct {
	Title string `json:"title" validate:"required,min=2,max=200,nocontrol"`
}

// courseFor reads course id for pr: ErrCourseNotFound when pr may not read
// it; with manage, ErrForbidden when pr may read it but neither manages
// it (its ambito's coordinators, admins) nor teaches it.
func courseFor(ctx context.Context, tx *gorm.DB, pr *incroci.Principal, id int64, manage bool) (*Course, error) {
	var c Course
	if err := tx.WithContext(ctx).Where("id = ?", id).Take(&c).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrCourseNotFound
	} else if err != nil {
		return nil, fmt.Errorf("training: course %d: %w", id, err)
	}
	if !mayRead(pr, c.Ambito) && !mayManage(pr, c.Ambito) {
		return nil, ErrCourseNotFound
	}
	if manage && !mayManage(pr, c.Ambito) && !(pr.PersonID != 0 && slices.Contains(c.TrainerIDs, pr.PersonID)) {
		return nil, incroci.ErrForbidden
	}
	return &c, nil
}

// fileTooLarge turns the upload's size error into ErrFileTooLarge.
func fileTooLarge(err error) error { return files.TooLarge(err, ErrFileTooLarge) }

// AddFile adds the file r, named name, to course id: the course's managers
// (coordinators of its ambito, admins) and its trainers. The type is read
// from the content, never from the name, and must be one of
// Config.FileTypes (else ErrFileType); a file over Config.MaxFile is
// refused (ErrFileTooLarge) and an empty one is invalid. Who may not read
// the course learns nothing from how the file would be judged. Audited.
func (t *Training) AddFile(ctx context.Context, id int64, in FileInput, name string, r io.Reader) (*CourseFile, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := courseFor(ctx, t.db, pr, id, true); err != nil {
		return nil, err
	}
	in.Title = strings.TrimSpace(in.Title)
	if err := httpx.Validate(incroci.LangFrom(ctx), &in); err != nil {
		return nil, err
	}
	u, err := fileAnswers.Judge(r, name, t.cfg.MaxFile, t.cfg.FileTypes)
	if err != nil {
		return nil, err
	}
	key := files.NewKey()
	var out CourseFile
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, err := courseFor(ctx, tx, pr, id, true)
		if err != nil {
			return err
		}
		if err := t.cfg.Files.Put(ctx, key, u.Reader()); err != nil {
			return fmt.Errorf("training: store file: %w", err)
		}
		out = CourseFile{CourseID: c.ID, Title: in.Title, Name: u.Name, ContentType: u.Type, Size: u.Size(), SHA256: u.SHA256,
			StorageKey: key, UploadedBy: pr.PersonID, CreatedAt: t.p.Now()}
		if err := tx.Create(&out).Error; err != nil {
			return fmt.Errorf("training: record file: %w", err)
		}
		return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: c.Ambito, Action: "training.file.upload", ObjectType: "course", ObjectID: fmt.Sprint(c.ID)},
			map[string]any{"file": out.ID, "type": u.Type, "size": out.Size})
	})
	if err != nil {
		// The bytes may have been stored before the row failed.
		if derr := t.cfg.Files.Delete(context.WithoutCancel(ctx), key); derr != nil {
			t.log.Error("training: drop the bytes of a file not recorded", "err", derr)
		}
		return nil, err
	}
	return &out, nil
}

// CourseFiles lists the files of course id, oldest first, for whoever may
// read the course.
func (t *Training) CourseFiles(ctx context.Context, id int64) ([]CourseFile, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := courseFor(ctx, t.db, pr, id, false); err != nil {
		return nil, err
	}
	return t.filesOf(ctx, t.db, id)
}

// filesOf lists the files of course id, oldest first.
func (t *Training) filesOf(ctx context.Context, db *gorm.DB, id int64) ([]CourseFile, error) {
	out := []CourseFile{}
	if err := db.WithContext(ctx).Where("course_id = ?", id).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("training: files of course %d: %w", id, err)
	}
	return out, nil
}

// OpenFile opens file fid of course id for whoever may read the course;
// the caller closes the reader. ErrFileNotFound for a file that is not
// the course's.
func (t *Training) OpenFile(ctx context.Context, id, fid int64) (*CourseFile, io.ReadCloser, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, nil, err
	}
	if _, err := courseFor(ctx, t.db, pr, id, false); err != nil {
		return nil, nil, err
	}
	var f CourseFile
	if err := t.db.WithContext(ctx).Where("id = ? AND course_id = ?", fid, id).Take(&f).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, ErrFileNotFound
	} else if err != nil {
		return nil, nil, fmt.Errorf("training: file %d: %w", fid, err)
	}
	rc, err := t.cfg.Files.Open(ctx, f.StorageKey)
	if errors.Is(err, files.ErrNoSuchFile) {
		return nil, nil, ErrFileNotFound
	} else if err != nil {
		return nil, nil, fmt.Errorf("training: open file %d: %w", fid, err)
	}
	return &f, rc, nil
}

// RemoveFile takes file fid off course id: the course's managers and
// trainers. Its bytes go once the row is gone. Audited.
func (t *Training) RemoveFile(ctx context.Context, id, fid int64) error {
	pr, err := caller(ctx)
	if err != nil {
		return err
	}
	var f CourseFile
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, err := courseFor(ctx, tx, pr, id, true)
		if err != nil {
			return err
		}
		if err := tx.Where("id = ? AND course_id = ?", fid, id).Take(&f).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrFileNotFound
		} else if err != nil {
			return fmt.Errorf("training: file %d: %w", fid, err)
		}
		if err := tx.Delete(&f).Error; err != nil {
			return fmt.Errorf("training: remove file %d: %w", fid, err)
		}
		return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: c.Ambito, Action: "training.file.remove", ObjectType: "course", ObjectID: fmt.Sprint(c.ID)},
			map[string]any{"file": f.ID})
	})
	if err != nil {
		return err
	}
	if err := t.cfg.Files.Delete(context.WithoutCancel(ctx), f.StorageKey); err != nil {
		t.log.Error("training: drop the bytes of a removed file", "file", f.ID, "err", err)
	}
	return nil
}
