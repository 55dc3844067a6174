//go:build evloop_select && !evloop_poll

package backends

const buildDefault = "select"
