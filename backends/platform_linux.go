package backends

const platformDefault = "epoll"
