package stream

// spreadByKernel says whether SO_REUSEPORT spreads connections over the
// sockets bound to one address; tests turn it off to check the hand-off.
var spreadByKernel = true
