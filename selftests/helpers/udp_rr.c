// SPDX-License-Identifier: GPL-2.0-only
/*
 * udp_rr: UDP request/response with exact transaction counts.
 *
 * Server:  udp_rr -s -a ADDR [-p PORT] [-n COUNT] [-b US] [-P] [-B BUDGET]
 *                 [-x K] [-T SECS]
 *   echoes COUNT requests (0: until -T seconds pass without one), then
 *   prints "napi_id=<SO_INCOMING_NAPI_ID> received=<n>".
 * Client:  udp_rr -c -a ADDR [-p PORT] -n COUNT [-m SIZE] [-b US] [-P]
 *                 [-w MS] [-g US] [-l LPORT]
 *   COUNT round trips; a reply not back within -w ms (default 1000) counts
 *   as lost.  -g sleeps between transactions.  -l binds the client to
 *   source port LPORT (a given flow, hence a given transmit hash).  Prints
 *   "transactions=<n> lost=<n> p50_us=<x> p99_us=<x>".
 *
 *   -b US   SO_BUSY_POLL (socket busy polling, in microseconds)
 *   -P      SO_PREFER_BUSY_POLL (with -B: SO_BUSY_POLL_BUDGET)
 *   -x K    server: stop busy polling after K requests, then block
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#ifndef SO_INCOMING_NAPI_ID
#define SO_INCOMING_NAPI_ID 56
#endif
#ifndef SO_PREFER_BUSY_POLL
#define SO_PREFER_BUSY_POLL 69
#endif
#ifndef SO_BUSY_POLL_BUDGET
#define SO_BUSY_POLL_BUDGET 70
#endif

static void die(const char *what)
{
	fprintf(stderr, "udp_rr: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void setopt(int fd, int name, int val, const char *what)
{
	if (setsockopt(fd, SOL_SOCKET, name, &val, sizeof(val)))
		die(what);
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(12345) };
	int server = -1, opt, fd, prefer = 0, stop_busy = -1;
	long count = 0, busy_us = 0, budget = 0, size = 64, wait_ms = 1000;
	long gap_us = 0, idle_s = 10, lport = 0;
	const char *addr = NULL;
	char buf[65536];

	while ((opt = getopt(argc, argv, "sca:p:n:m:b:PB:x:T:w:g:l:")) != -1) {
		switch (opt) {
		case 's':
			server = 1;
			break;
		case 'c':
			server = 0;
			break;
		case 'a':
			addr = optarg;
			break;
		case 'p':
			sa.sin_port = htons(atoi(optarg));
			break;
		case 'n':
			count = atol(optarg);
			break;
		case 'm':
			size = atol(optarg);
			break;
		case 'b':
			busy_us = atol(optarg);
			break;
		case 'P':
			prefer = 1;
			break;
		case 'B':
			budget = atol(optarg);
			break;
		case 'x':
			stop_busy = atoi(optarg);
			break;
		case 'T':
			idle_s = atol(optarg);
			break;
		case 'w':
			wait_ms = atol(optarg);
			break;
		case 'g':
			gap_us = atol(optarg);
			break;
		case 'l':
			lport = atol(optarg);
			break;
		default:
			fprintf(stderr, "udp_rr: bad option (usage: -s or -c, -a ADDR, ...)\n");
			return 2;
		}
	}
	if (server < 0 || !addr || inet_pton(AF_INET, addr, &sa.sin_addr) != 1 ||
	    size < 1 || size > (long)sizeof(buf) || (!server && count < 1) ||
	    lport < 0 || lport > 65535) {
		fprintf(stderr, "udp_rr: need -s or -c, -a ADDR, -n for a client, -l 0..65535\n");
		return 2;
	}

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	if (busy_us)
		setopt(fd, SO_BUSY_POLL, busy_us, "SO_BUSY_POLL");
	if (prefer)
		setopt(fd, SO_PREFER_BUSY_POLL, 1, "SO_PREFER_BUSY_POLL");
	if (budget)
		setopt(fd, SO_BUSY_POLL_BUDGET, budget, "SO_BUSY_POLL_BUDGET");

	if (server) {
		struct timeval tv = { .tv_sec = idle_s };
		unsigned int napi_id = 0;
		socklen_t len = sizeof(napi_id);
		long received = 0;

		if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
			die("SO_RCVTIMEO");
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
			die("bind");
		printf("ready\n");
		fflush(stdout);
		while (!count || received < count) {
			struct sockaddr_in peer;
			socklen_t plen = sizeof(peer);
			ssize_t n = recvfrom(fd, buf, sizeof(buf), 0,
					     (struct sockaddr *)&peer, &plen);

			if (n < 0) {
				if (errno == EINTR)
					continue;
				if (errno == EAGAIN)
					break;
				die("recvfrom");
			}
			received++;
			if (received == 1 &&
			    getsockopt(fd, SOL_SOCKET, SO_INCOMING_NAPI_ID, &napi_id, &len))
				die("SO_INCOMING_NAPI_ID");
			if (sendto(fd, buf, n, 0, (struct sockaddr *)&peer, plen) < 0)
				die("sendto");
			if (received == stop_busy)
				setopt(fd, SO_BUSY_POLL, 0, "SO_BUSY_POLL");
		}
		printf("napi_id=%u received=%ld\n", napi_id, received);
		return count && received < count;
	}

	double *rtt = calloc(count, sizeof(*rtt));
	long i, done = 0, lost = 0;

	if (!rtt)
		die("calloc");
	if (lport) {
		struct sockaddr_in la = { .sin_family = AF_INET, .sin_port = htons(lport) };

		if (bind(fd, (struct sockaddr *)&la, sizeof(la)))
			die("bind -l");
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("connect");
	memset(buf, 0xa5, size);
	for (i = 0; i < count; i++) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		double t0 = now_us();
		int got = 0;

		*(long *)buf = i;
		if (send(fd, buf, size, 0) < 0)
			die("send");
		while (!got) {
			int r = poll(&pfd, 1, wait_ms - (int)((now_us() - t0) / 1000));
			ssize_t n;

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (n >= (ssize_t)sizeof(long) && *(long *)buf == i)
				got = 1;
		}
		if (got)
			rtt[done++] = now_us() - t0;
		else
			lost++;
		if (gap_us)
			usleep(gap_us);
	}
	qsort(rtt, done, sizeof(*rtt), cmp_double);
	printf("transactions=%ld lost=%ld p50_us=%.1f p99_us=%.1f\n", done, lost,
	       done ? rtt[done / 2] : 0.0, done ? rtt[done * 99 / 100] : 0.0);
	return lost != 0;
}
