// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcp_xfer: copy a byte stream over one TCP connection.
 *
 *   tcp_xfer -l -p PORT [-a ADDR]   accept one connection, write it to stdout
 *   tcp_xfer -c ADDR -p PORT        connect, send stdin
 *
 * Every blocking call has a 120 s limit, so a stalled stream fails the test
 * instead of hanging it.  Exit 0 on success.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "tcp_xfer: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void set_timeouts(int fd)
{
	struct timeval tv = { .tv_sec = 120 };

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)))
		die("setsockopt");
}

static int copy(int in, int out)
{
	static char buf[1 << 16];
	long long total = 0;

	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf)), off = 0;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("read");
		}
		if (n == 0)
			break;
		while (off < n) {
			ssize_t w = write(out, buf + off, n - off);

			if (w < 0) {
				if (errno == EINTR)
					continue;
				die("write");
			}
			off += w;
		}
		total += n;
	}
	fprintf(stderr, "tcp_xfer: %lld bytes\n", total);
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	const char *addr = NULL;
	int listen_mode = 0, port = 0, opt, fd, one = 1;

	while ((opt = getopt(argc, argv, "lc:a:p:")) != -1) {
		switch (opt) {
		case 'l':
			listen_mode = 1;
			break;
		case 'c':
		case 'a':
			addr = optarg;
			break;
		case 'p':
			port = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: tcp_xfer -l -p PORT [-a ADDR] | -c ADDR -p PORT\n");
			return 2;
		}
	}
	if (!port || (!listen_mode && !addr)) {
		fprintf(stderr, "tcp_xfer: need -p and -l or -c\n");
		return 2;
	}
	sa.sin_port = htons(port);
	if (addr && inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "tcp_xfer: bad address %s\n", addr);
		return 2;
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket");
	set_timeouts(fd);
	if (listen_mode) {
		int c;

		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1))
			die("bind/listen");
		c = accept(fd, NULL, NULL);
		if (c < 0)
			die("accept");
		set_timeouts(c);
		return copy(c, 1);
	}
	/* the listener may not be up yet: retry for 20 s */
	for (opt = 0; connect(fd, (struct sockaddr *)&sa, sizeof(sa)); opt++) {
		if (errno != ECONNREFUSED || opt >= 200)
			die("connect");
		usleep(100000);
	}
	copy(0, fd);
	if (shutdown(fd, SHUT_WR))
		die("shutdown");
	/* wait for the receiver to close: everything was read */
	while (read(fd, &one, sizeof(one)) > 0)
		;
	return 0;
}
