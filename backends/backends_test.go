package backends_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/backends"
)

func TestNames(t *testing.T) {
	names := backends.Names()
	for _, want := range []string{"poll", "select"} {
		if !slices.Contains(names, want) {
			t.Errorf("Names() = %v; want %q, which every Unix has", names, want)
		}
	}
	for _, name := range names {
		s, err := backends.New(name)
		if name == "io_uring" && errors.Is(err, errors.ErrUnsupported) {
			t.Logf("New(%q) = %v: this kernel does not let us use it", name, err)
			continue
		}
		if err != nil {
			t.Errorf("New(%q) = %v; want a selector (Names() lists it)", name, err)
			continue
		}
		if s.Name() != name {
			t.Errorf("New(%q).Name() = %q", name, s.Name())
		}
		s.Close()
	}
}

// TestOptInNeverDefault: io_uring is used only when named.
func TestOptInNeverDefault(t *testing.T) {
	if d := backends.BuildDefault(); d == "io_uring" {
		t.Errorf("BuildDefault() = %q; want a backend that is not opt-in", d)
	}
}

// TestUnavailableName asks for a backend this platform lacks: an error
// matching errors.ErrUnsupported that lists what would work.
func TestUnavailableName(t *testing.T) {
	for _, name := range []string{"epoll", "kqueue"} {
		if slices.Contains(backends.Names(), name) {
			continue
		}
		_, err := backends.New(name)
		if !errors.Is(err, errors.ErrUnsupported) || !strings.Contains(err.Error(), "poll") {
			t.Errorf("New(%q) = %v; want errors.ErrUnsupported listing the available backends", name, err)
		}
	}
}

func TestUnknownName(t *testing.T) {
	_, err := backends.New("nope")
	if !errors.Is(err, api.ErrUnknown) {
		t.Errorf("New(\"nope\") = %v; want an error matching api.ErrUnknown", err)
	}
	for _, name := range backends.Names() {
		if err != nil && !strings.Contains(err.Error(), name) {
			t.Errorf("New(\"nope\") = %q; want it to list %q", err, name)
		}
	}
}

func TestEnvironment(t *testing.T) {
	for _, name := range backends.Names() {
		t.Setenv(backends.EnvVar, name)
		if got := backends.Default(); got != name {
			t.Errorf("with %s=%s, Default() = %q", backends.EnvVar, name, got)
		}
		s, err := backends.NewDefault()
		if err != nil {
			t.Fatalf("with %s=%s, NewDefault() = %v", backends.EnvVar, name, err)
		}
		if s.Name() != name {
			t.Errorf("with %s=%s, NewDefault().Name() = %q", backends.EnvVar, name, s.Name())
		}
		s.Close()
	}
	t.Setenv(backends.EnvVar, "bogus")
	if s, err := backends.NewDefault(); !errors.Is(err, api.ErrUnknown) || !strings.Contains(err.Error(), "EVLOOP_BACKEND=bogus") {
		t.Errorf("with %s=bogus, NewDefault() = %v, %v; want an error naming the variable, matching api.ErrUnknown", backends.EnvVar, s, err)
	}
	t.Setenv(backends.EnvVar, "")
	if got := backends.Default(); got != backends.BuildDefault() {
		t.Errorf("with %s empty, Default() = %q; want the build default %q", backends.EnvVar, got, backends.BuildDefault())
	}
}

// TestBuildDefault checks the choice made by build tags; CI runs it once
// per evloop_* tag.
func TestBuildDefault(t *testing.T) {
	if got := backends.BuildDefault(); got != wantBuildDefault {
		t.Errorf("BuildDefault() = %q; want %q for these build tags on this platform", got, wantBuildDefault)
	}
	if !slices.Contains(backends.Names(), wantBuildDefault) {
		return // e.g. -tags evloop_kqueue on Linux: NewDefault must refuse
	}
	t.Setenv(backends.EnvVar, "")
	s, err := backends.NewDefault()
	if err != nil {
		t.Fatalf("NewDefault() = %v", err)
	}
	defer s.Close()
	if s.Name() != wantBuildDefault {
		t.Errorf("NewDefault().Name() = %q; want %q", s.Name(), wantBuildDefault)
	}
}
