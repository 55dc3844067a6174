package bench

var dispatchFloors = []DispatchImpl{
	{"raw-epoll", RawEpoll},
	{"raw-poll", RawPoll},
	{"raw-select", RawSelect},
}

var expiryFloors = []ExpiryImpl{{"raw-heap", "0", ExpiryRawHeap}}
