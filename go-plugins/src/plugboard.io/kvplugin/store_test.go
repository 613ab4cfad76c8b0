package kvplugin

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func openTestStore(t *testing.T) *Store {
	t.Helper()
	s, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatalf("OpenStore: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestPutThenGetReturnsTheValueForAwkwardKeys(t *testing.T) {
	s := openTestStore(t)
	keys := []string{"plain", "a/b/c", "../escape", ".", "..", "with space", "grüße 東京", "%41", strings.Repeat("é", MaxKeyChars), strings.Repeat("x", MaxKeyChars)}
	for i, key := range keys {
		value := []byte(strings.Repeat(string(rune('a'+i)), i*7))
		if err := s.Put(key, value); err != nil {
			t.Fatalf("Put(%q): %v", key, err)
		}
		got, err := s.Get(key)
		if err != nil {
			t.Fatalf("Get(%q): %v", key, err)
		}
		if !bytes.Equal(got, value) {
			t.Fatalf("Get(%q) = %q, want %q", key, got, value)
		}
	}
	entries, err := os.ReadDir(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(keys) {
		t.Fatalf("%d files in the data dir, want one per key (%d): %v", len(entries), len(keys), entries)
	}
}

func TestGetOfMissingKeyWrapsErrNotFound(t *testing.T) {
	s := openTestStore(t)
	_, err := s.Get("never-put")
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get of a missing key: err = %v, want ErrNotFound", err)
	}
	if !strings.Contains(err.Error(), `"never-put"`) {
		t.Fatalf("error %q does not name the key", err)
	}
}

func TestPutOverwritesAndLeavesNoTempFile(t *testing.T) {
	s := openTestStore(t)
	for _, v := range []string{"first", "second, longer", ""} {
		if err := s.Put("k", []byte(v)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Get("k")
	if err != nil || len(got) != 0 {
		t.Fatalf("Get after overwriting with an empty value = %q, %v", got, err)
	}
	temps, _ := filepath.Glob(filepath.Join(s.Dir(), tempPrefix+"*"))
	if len(temps) != 0 {
		t.Fatalf("temp files left behind: %v", temps)
	}
}

func TestValuesSurviveReopeningTheStore(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put("durable/key", []byte("v1")); err != nil {
		t.Fatal(err)
	}
	s.Close()
	again, err := OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	got, err := again.Get("durable/key")
	if err != nil || string(got) != "v1" {
		t.Fatalf("Get after reopen = %q, %v; want \"v1\"", got, err)
	}
}

func TestFileNamesAreSafeShortAndDistinct(t *testing.T) {
	long := strings.Repeat("é", MaxKeyChars)
	keys := []string{"a/b", "a%2Fb", "a_2Fb", "a b", "A B", ".", "..", "k", "h", "/", "\x00", long, long[:len(long)-2] + "è",
		strings.Repeat("y", MaxKeyChars), strings.Repeat("y", MaxKeyChars-1) + "z", strings.Repeat("/", 66), strings.Repeat("/", 67)}
	seen := map[string]string{}
	for _, key := range keys {
		name, err := FileName(key)
		if err != nil {
			t.Fatalf("FileName(%q): %v", key, err)
		}
		if len(name) > 255 || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") || strings.HasPrefix(name, ".") {
			t.Fatalf("FileName(%q) = %q is not a safe file name", key, name)
		}
		if other, dup := seen[name]; dup {
			t.Fatalf("keys %q and %q share file name %q", other, key, name)
		}
		seen[name] = key
	}
	if name, _ := FileName("a/b c"); name != "ka%2Fb%20c" {
		t.Fatalf("FileName(\"a/b c\") = %q, want the readable escape ka%%2Fb%%20c", name)
	}
	if name, _ := FileName(long); !strings.HasPrefix(name, "h") || len(name) != 65 {
		t.Fatalf("FileName of a 250-character non-ASCII key = %q, want h + 64 hex digits", name)
	}
}

func TestInvalidKeysAreRefusedWithAReason(t *testing.T) {
	s := openTestStore(t)
	cases := map[string]string{
		"":                                 "the key is empty",
		strings.Repeat("é", MaxKeyChars+1): "the key has 251 characters, at most 250 are allowed",
		"bad\xffutf8":                      "the key is not valid UTF-8",
	}
	for key, reason := range cases {
		for _, op := range []func() error{
			func() error { return s.Put(key, []byte("v")) },
			func() error { _, err := s.Get(key); return err },
		} {
			err := op()
			var keyErr *KeyError
			if !errors.As(err, &keyErr) || keyErr.Reason != reason {
				t.Fatalf("key %q: err = %v, want KeyError %q", key, err, reason)
			}
		}
	}
}

func TestOpenRemovesOnlyStaleTempFiles(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, tempPrefix+"stale")
	young := filepath.Join(dir, tempPrefix+"young")
	for _, p := range []string{stale, young} {
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * staleTempAge)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	s, err := OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("stale temp file still there (err %v)", err)
	}
	if _, err := os.Stat(young); err != nil {
		t.Fatalf("young temp file removed: %v", err)
	}
}

func TestOpenStoreCreatesMissingDataDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	s, err := OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Put("k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "kk")); err != nil {
		t.Fatalf("value not stored as file kk in the new dir: %v", err)
	}
}
