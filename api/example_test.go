package api_test

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/evloop/evloop/api"
)

func ExampleInterest() {
	in := api.Readable | api.Writable
	fmt.Println(in, in.Valid())
	fmt.Println(api.Error|api.HangUp|api.Readable, (api.Error | api.HangUp).Valid())
	// Output:
	// r|w true
	// r|err|hup false
}

func ExampleErrRegistered() {
	err := fmt.Errorf("poll: register fd 7: %w", api.ErrRegistered)
	fmt.Println(errors.Is(err, api.ErrRegistered), errors.Is(err, fs.ErrExist))
	// Output: true true
}
