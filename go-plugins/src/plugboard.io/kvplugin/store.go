package kvplugin

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxKeyChars is the longest key, in characters, the store accepts.
const MaxKeyChars = 250

// maxEscapedName keeps an escaped file name well under the 255-byte limit of common file systems;
// longer escapes fall back to a hash of the key.
const maxEscapedName = 200

// tempPrefix marks files being written; key files start with 'k' or 'h', never with '.'.
const tempPrefix = ".tmp-"

// staleTempAge is how old a temp file left by a killed writer must be before a new store removes it.
const staleTempAge = time.Hour

// ErrNotFound is wrapped by Get's error when a key has no value.
var ErrNotFound = errors.New("not found")

// KeyError reports a key the store refuses.
type KeyError struct {
	Key    string
	Reason string
}

func (e *KeyError) Error() string {
	return "invalid key " + quoteShort(e.Key) + ": " + e.Reason
}

// Store keeps one file per key in a directory. A Put is durable when it returns: the value is
// written to a temp file, synced, renamed over the key's file and the directory is synced, so a
// SIGKILL right after an acknowledged Put loses nothing and a crash mid-Put leaves the old value.
type Store struct {
	dir string
	// dirFile stays open so each Put can fsync the directory entry of its rename.
	dirFile *os.File
}

// OpenStore opens (creating when missing) the store in dir.
func OpenStore(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("kv store: cannot create data dir: %w", err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("kv store: %w", err)
	}
	dirFile, err := os.Open(abs)
	if err != nil {
		return nil, fmt.Errorf("kv store: cannot open data dir: %w", err)
	}
	s := &Store{dir: abs, dirFile: dirFile}
	s.removeStaleTemps()
	return s, nil
}

// Dir is the absolute data directory.
func (s *Store) Dir() string {
	return s.dir
}

// Close releases the directory handle.
func (s *Store) Close() error {
	return s.dirFile.Close()
}

// Put stores value under key and returns once it is on stable storage.
func (s *Store) Put(key string, value []byte) error {
	name, err := FileName(key)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(s.dir, tempPrefix+"*")
	if err != nil {
		return fmt.Errorf("kv store: put %s: %w", quoteShort(key), err)
	}
	committed := false
	defer func() {
		if !committed {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(value); err != nil {
		return fmt.Errorf("kv store: put %s: %w", quoteShort(key), err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("kv store: put %s: fsync: %w", quoteShort(key), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("kv store: put %s: %w", quoteShort(key), err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(s.dir, name)); err != nil {
		return fmt.Errorf("kv store: put %s: %w", quoteShort(key), err)
	}
	committed = true
	if err := s.dirFile.Sync(); err != nil {
		return fmt.Errorf("kv store: put %s: fsync of data dir: %w", quoteShort(key), err)
	}
	return nil
}

// Get returns the value of key, or an error wrapping ErrNotFound when it has none.
func (s *Store) Get(key string) ([]byte, error) {
	name, err := FileName(key)
	if err != nil {
		return nil, err
	}
	value, err := os.ReadFile(filepath.Join(s.dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no value for key %s: %w", quoteShort(key), ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("kv store: get %s: %w", quoteShort(key), err)
	}
	return value, nil
}

// FileName maps a key to its file name, one-to-one: 'k' followed by the key's UTF-8 bytes with
// everything but [A-Za-z0-9._-] escaped as %XX, or, when that would pass 200 bytes, 'h' followed
// by the hex SHA-256 of the key. Never ".", "..", a path or a temp file name.
func FileName(key string) (string, error) {
	if key == "" {
		return "", &KeyError{Key: key, Reason: "the key is empty"}
	}
	if !utf8.ValidString(key) {
		return "", &KeyError{Key: key, Reason: "the key is not valid UTF-8"}
	}
	if n := utf8.RuneCountInString(key); n > MaxKeyChars {
		return "", &KeyError{Key: key, Reason: fmt.Sprintf("the key has %d characters, at most %d are allowed", n, MaxKeyChars)}
	}
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.WriteByte('k')
	for i := 0; i < len(key) && b.Len() <= maxEscapedName; i++ {
		c := key[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' {
			b.WriteByte(c)
		} else {
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0xF])
		}
	}
	if b.Len() <= maxEscapedName {
		return b.String(), nil
	}
	sum := sha256.Sum256([]byte(key))
	return "h" + hex.EncodeToString(sum[:]), nil
}

// removeStaleTemps deletes temp files a killed writer left behind; young ones may belong to a
// concurrent writer and stay.
func (s *Store) removeStaleTemps() {
	matches, err := filepath.Glob(filepath.Join(s.dir, tempPrefix+"*"))
	if err != nil {
		return
	}
	for _, path := range matches {
		if info, err := os.Lstat(path); err == nil && info.Mode().IsRegular() && time.Since(info.ModTime()) > staleTempAge {
			os.Remove(path)
		}
	}
}

// quoteShort quotes a key for a message, cut to 60 characters so a 250-character key stays readable.
func quoteShort(key string) string {
	if utf8.RuneCountInString(key) <= 60 {
		return fmt.Sprintf("%q", key)
	}
	runes := []rune(key)
	return fmt.Sprintf("%q...(%d characters)", string(runes[:60]), len(runes))
}
