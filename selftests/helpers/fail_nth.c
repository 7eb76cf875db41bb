// SPDX-License-Identifier: GPL-2.0-only
/*
 * fail_nth N up IFNAME
 * fail_nth N write FILE STRING
 *
 * Arms /proc/thread-self/fail-nth so that the N-th fault-injection point
 * this task reaches fails (the points that count are filtered by the
 * failslab/fail_page_alloc debugfs settings), runs one operation in this
 * same task (bring IFNAME up with SIOCSIFFLAGS, or write STRING to FILE)
 * and prints "injected" or "not-injected" followed by the operation's
 * result.  Exit 0 when the operation succeeded, 1 when it failed, 2 on a
 * usage or set-up error.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static const char nth_path[] = "/proc/thread-self/fail-nth";

static int op_up(const char *ifname)
{
	struct ifreq ifr;
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	if (strlen(ifname) >= IFNAMSIZ) {
		close(fd);
		return -ENAMETOOLONG;
	}
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		err = -errno;
	} else {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
			err = -errno;
	}
	close(fd);
	return err;
}

static int op_write(const char *file, const char *s)
{
	int fd, err = 0;
	ssize_t n;

	fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	if (n < 0)
		err = -errno;
	close(fd);
	return err;
}

int main(int argc, char **argv)
{
	char buf[32];
	int nth, fd, err;
	ssize_t n;

	if ((argc != 4 || strcmp(argv[2], "up")) &&
	    (argc != 5 || strcmp(argv[2], "write"))) {
		fprintf(stderr, "usage: fail_nth N up IFNAME | fail_nth N write FILE STRING\n");
		return 2;
	}
	nth = atoi(argv[1]);
	fd = open(nth_path, O_RDWR | O_CLOEXEC);
	if (fd < 0 || nth < 1) {
		fprintf(stderr, "fail_nth: %s: %s\n", nth_path, strerror(errno));
		return 2;
	}
	n = snprintf(buf, sizeof(buf), "%d", nth);
	if (write(fd, buf, n) != n) {
		fprintf(stderr, "fail_nth: arming %s: %s\n", nth_path, strerror(errno));
		return 2;
	}

	err = argc == 4 ? op_up(argv[3]) : op_write(argv[3], argv[4]);

	/* read back: 0 once the fault fired, else what was left; disarm */
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	if (write(fd, "0", 1) < 0 && errno != EINVAL)
		perror("fail_nth: disarming");
	close(fd);
	printf("%s %s\n", n > 0 && atoi(buf) == 0 ? "injected" : "not-injected",
	       err ? strerror(-err) : "ok");
	return err ? 1 : 0;
}
