//go:build unix && !linux

package bench

var dispatchFloors = []DispatchImpl{
	{"raw-poll", RawPoll},
	{"raw-select", RawSelect},
}

var expiryFloors []ExpiryImpl
