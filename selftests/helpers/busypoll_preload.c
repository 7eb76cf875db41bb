// SPDX-License-Identifier: GPL-2.0-only
/*
 * busypoll_preload.so: LD_PRELOAD shim that sets socket busy-poll options
 * on every UDP/TCP socket an unchanged program (sockperf, iperf3, netperf)
 * creates, so that per-socket busy polling can be compared without the
 * global net.core.busy_read/busy_poll sysctls (which hit every process):
 *
 *   VMX_BUSY_POLL=<us>          SO_BUSY_POLL
 *   VMX_PREFER_BUSY_POLL=1      SO_PREFER_BUSY_POLL
 *   VMX_BUSY_POLL_BUDGET=<n>    SO_BUSY_POLL_BUDGET
 *
 *   LD_PRELOAD=.../busypoll_preload.so VMX_BUSY_POLL=50 sockperf sr ...
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/socket.h>

#ifndef SO_PREFER_BUSY_POLL
#define SO_PREFER_BUSY_POLL 69
#endif
#ifndef SO_BUSY_POLL_BUDGET
#define SO_BUSY_POLL_BUDGET 70
#endif

static void set_from_env(int fd, int opt, const char *var)
{
	const char *v = getenv(var);
	int val;

	if (!v || !*v)
		return;
	val = atoi(v);
	setsockopt(fd, SOL_SOCKET, opt, &val, sizeof(val));
}

int socket(int domain, int type, int protocol)
{
	static int (*real_socket)(int, int, int);
	int fd;

	if (!real_socket)
		real_socket = (int (*)(int, int, int))dlsym(RTLD_NEXT, "socket");
	fd = real_socket(domain, type, protocol);
	if (fd >= 0 && (domain == AF_INET || domain == AF_INET6)) {
		set_from_env(fd, SO_BUSY_POLL, "VMX_BUSY_POLL");
		set_from_env(fd, SO_PREFER_BUSY_POLL, "VMX_PREFER_BUSY_POLL");
		set_from_env(fd, SO_BUSY_POLL_BUDGET, "VMX_BUSY_POLL_BUDGET");
	}
	return fd;
}
