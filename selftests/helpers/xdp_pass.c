// SPDX-License-Identifier: GPL-2.0-only
/*
 * xdp_pass IFNAME SECS [redirect]: attach a native (driver mode) XDP
 * program to IFNAME for SECS seconds, then detach it.  The program returns
 * XDP_PASS, or with "redirect" calls bpf_redirect() to send every packet
 * back out of IFNAME (XDP_REDIRECT, which needs the kernel's per-CPU BPF
 * redirect context where the driver polls).  It is a few instructions
 * loaded with bpf(2) and attached with a BPF link, so no compiler or
 * libbpf is needed.  Prints "attached" once attached.  Exit 0 on success,
 * 1 on failure, 4 when the kernel or driver has no native XDP (EOPNOTSUPP).
 */
#include <errno.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

int main(int argc, char **argv)
{
	struct bpf_insn pass[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct bpf_insn redirect[] = {
		/* return bpf_redirect(ifindex, 0); */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_2 },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_redirect },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	char log[4096] = "";
	union bpf_attr attr;
	unsigned int ifindex;
	int prog, link;

	if (argc != 3 && !(argc == 4 && !strcmp(argv[3], "redirect"))) {
		fprintf(stderr, "usage: xdp_pass IFNAME SECS [redirect]\n");
		return 2;
	}
	ifindex = if_nametoindex(argv[1]);
	if (!ifindex) {
		fprintf(stderr, "xdp_pass: no interface %s\n", argv[1]);
		return 1;
	}
	redirect[0].imm = ifindex;
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_XDP;
	if (argc == 4) {
		attr.insns = (uintptr_t)redirect;
		attr.insn_cnt = ARRAY_SIZE(redirect);
	} else {
		attr.insns = (uintptr_t)pass;
		attr.insn_cnt = ARRAY_SIZE(pass);
	}
	attr.license = (uintptr_t)"GPL";
	attr.log_buf = (uintptr_t)log;
	attr.log_size = sizeof(log);
	attr.log_level = 1;
	prog = sys_bpf(BPF_PROG_LOAD, &attr);
	if (prog < 0) {
		fprintf(stderr, "xdp_pass: load: %s\n%s\n", strerror(errno), log);
		return 1;
	}
	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = prog;
	attr.link_create.target_ifindex = ifindex;
	attr.link_create.attach_type = BPF_XDP;
	attr.link_create.flags = XDP_FLAGS_DRV_MODE;
	link = sys_bpf(BPF_LINK_CREATE, &attr);
	if (link < 0) {
		int err = errno;

		fprintf(stderr, "xdp_pass: attach to %s: %s\n", argv[1], strerror(err));
		return err == EOPNOTSUPP ? 4 : 1;
	}
	printf("attached\n");
	fflush(stdout);
	sleep(atoi(argv[2]));
	close(link);
	close(prog);
	return 0;
}
