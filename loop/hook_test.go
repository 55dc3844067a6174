package loop

import (
	"errors"
	"testing"

	"github.com/evloop/evloop/api"
)

func TestOnClose(t *testing.T) {
	l, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	var ran []string
	l.OnClose(func() { ran = append(ran, "kept") })
	remove, _ := l.OnClose(func() { ran = append(ran, "removed") })
	remove()
	if _, err := l.OnClose(nil); !errors.Is(err, api.ErrNilCallback) {
		t.Errorf("OnClose(nil) = %v; want api.ErrNilCallback", err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if len(ran) != 1 || ran[0] != "kept" {
		t.Errorf("hooks run at Close: %v; want [kept]", ran)
	}
	if _, err := l.OnClose(func() {}); !errors.Is(err, api.ErrClosed) {
		t.Errorf("OnClose after Close = %v; want api.ErrClosed", err)
	}
}
