package files

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
)

// Store keeps the bytes of files; the database keeps what they are. Keys
// are chosen by the module (NewKey): random, with no personal data.
// Partners plug in their own (an object store) by implementing it.
type Store interface {
	// Put stores the content under key, which must not exist yet.
	Put(ctx context.Context, key string, r io.Reader) error
	// Open returns the content stored under key, ErrNoSuchFile when there
	// is none.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	// Delete removes key; deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
}

// ErrNoSuchFile is returned by Open for a key that holds nothing.
var ErrNoSuchFile = errors.New("files: no such file")

// NewKey returns a fresh random storage key (48 hex digits).
func NewKey() string {
	var kb [24]byte
	rand.Read(kb[:])
	return hex.EncodeToString(kb[:])
}

// DiskStore is a Store in a folder of the local disk.
type DiskStore struct{ dir string }

var keyPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{8,100}$`)

// NewDiskStore returns a store in dir, creating it (mode 0700) if needed.
func NewDiskStore(dir string) (*DiskStore, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("files: folder: %w", err)
	}
	return &DiskStore{dir: dir}, nil
}

func (s *DiskStore) path(key string) (string, error) {
	if !keyPattern.MatchString(key) {
		return "", fmt.Errorf("files: invalid storage key %q", key)
	}
	return filepath.Join(s.dir, key[:2], key), nil
}

// Put writes the content to a temporary file and renames it into place, so
// that a crash never leaves half a file under key.
func (s *DiskStore) Put(ctx context.Context, key string, r io.Reader) error {
	p, err := s.path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return fmt.Errorf("files: store %s: %w", key, err)
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".upload-*")
	if err != nil {
		return fmt.Errorf("files: store %s: %w", key, err)
	}
	defer os.Remove(f.Name())
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return fmt.Errorf("files: store %s: %w", key, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("files: store %s: %w", key, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("files: store %s: %w", key, err)
	}
	if _, err := os.Stat(p); err == nil {
		return fmt.Errorf("files: store %s: key exists", key)
	}
	if err := os.Rename(f.Name(), p); err != nil {
		return fmt.Errorf("files: store %s: %w", key, err)
	}
	return nil
}

// Open opens the content stored under key.
func (s *DiskStore) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	p, err := s.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNoSuchFile
	}
	if err != nil {
		return nil, fmt.Errorf("files: open %s: %w", key, err)
	}
	return f, nil
}

// Delete removes the content stored under key.
func (s *DiskStore) Delete(ctx context.Context, key string) error {
	p, err := s.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("files: delete %s: %w", key, err)
	}
	return nil
}
