// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab-stress-test - many processes on /dev/kmemlab/alloc at once.
 *
 * For KMEMLAB_STRESS_SECONDS (default 5; the debug tier uses 30):
 *  - 8 workers open the device, allocate with every allocator and context,
 *    write a pattern and read it back, resize, free, check that STATS
 *    counts exactly their own buffers, and close;
 *  - 1 churner opens and closes, sometimes leaving buffers for close to free;
 *  - 1 unloader keeps trying to remove the module (refused while a file is
 *    open) and loads it back whenever it did go (needs --module-dir).
 * Then: every process finished in time (no deadlock), none saw an
 * undocumented error or wrong data, and no buffer is left module-wide.
 * TAP.  Usage: kmemlab-stress-test [--module-dir DIR]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <kmemlab/alloc.h>

#include "tap.h"

#define DEV "/dev/kmemlab/alloc"
#define MODNAME "kmemlab_alloc"
#define WORKERS 8
#define MAX_LIVE 12

static char module_path[4096];
static time_t deadline;

static int dev_open_retry(void)
{
	/* While the unloader has the module out, the node is briefly gone. */
	while (time(NULL) < deadline) {
		int fd = open(DEV, O_RDWR | O_CLOEXEC);

		if (fd >= 0)
			return fd;
		if (errno != ENOENT && errno != ENODEV && errno != ENXIO)
			return -1;
		usleep(1000);
	}
	return -2;	/* time is up */
}

static int worker(unsigned int id)
{
	uint64_t rng = 0x9e3779b97f4a7c15ULL * (id + 1);
	unsigned char pattern[512], back[512];
	unsigned long rounds = 0;

	while (time(NULL) < deadline) {
		uint32_t live[MAX_LIVE];
		unsigned int n = 0, i, k;
		struct kmemlab_alloc_stats st = { .argsz = sizeof(st) };
		int fd = dev_open_retry();

		if (fd == -2)
			break;
		if (fd < 0) {
			printf("# worker %u: open: %s\n", id, strerror(errno));
			return 1;
		}
		for (k = 0; k < 20; k++) {
			struct kmemlab_alloc_request req = { .argsz = sizeof(req) };
			struct kmemlab_buf_io io = { .argsz = sizeof(io) };

			rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
			req.allocator = KMEMLAB_KMALLOC + (rng >> 33) % (KMEMLAB_ALLOCATOR_COUNT - 1);
			req.context = KMEMLAB_CTX_PROCESS + (rng >> 40) % 4;
			if (req.allocator == KMEMLAB_VMALLOC || req.allocator == KMEMLAB_VZALLOC ||
			    req.allocator == KMEMLAB_VMALLOC_HUGE)
				req.context = KMEMLAB_CTX_PROCESS;
			req.gfp = req.context == KMEMLAB_CTX_PROCESS ? KMEMLAB_GFP_KERNEL :
								       KMEMLAB_GFP_ATOMIC;
			req.gfp |= KMEMLAB_GFP_NOWARN;
			req.size = 512 + (rng >> 20) % 20000;
			if (req.allocator == KMEMLAB_KCALLOC) {
				req.count = req.size / 8;
				req.size = 8;
			}
			if (n == MAX_LIVE || ioctl(fd, KMEMLAB_ALLOC_IOC_ALLOC, &req)) {
				if (n < MAX_LIVE && errno != ENOMEM && errno != EOPNOTSUPP) {
					printf("# worker %u: ALLOC %u/%u: %s\n", id, req.allocator,
					       req.context, strerror(errno));
					close(fd);
					return 1;
				}
			} else {
				live[n++] = req.info.handle;
				for (i = 0; i < sizeof(pattern); i++)
					pattern[i] = (unsigned char)(rng >> (i % 56)) ^ id;
				io.handle = req.info.handle;
				io.length = sizeof(pattern);
				io.data = (uintptr_t)pattern;
				if (ioctl(fd, KMEMLAB_ALLOC_IOC_WRITE, &io))
					return 1;
				io.data = (uintptr_t)back;
				if (ioctl(fd, KMEMLAB_ALLOC_IOC_READ, &io) ||
				    memcmp(pattern, back, sizeof(back))) {
					printf("# worker %u: data read back differs\n", id);
					return 1;
				}
			}
			if (n && (rng >> 50) % 3 == 0) {	/* free one */
				struct kmemlab_buf_handle h = { .argsz = sizeof(h), .handle = live[--n] };

				if (ioctl(fd, KMEMLAB_ALLOC_IOC_FREE, &h)) {
					printf("# worker %u: FREE: %s\n", id, strerror(errno));
					return 1;
				}
			}
		}
		if (ioctl(fd, KMEMLAB_ALLOC_IOC_STATS, &st) || st.buffers != n) {
			printf("# worker %u: STATS says %u buffers, the worker holds %u\n",
			       id, st.buffers, n);
			return 1;
		}
		close(fd);	/* frees whatever is still live */
		rounds++;
	}
	printf("# worker %u: %lu rounds\n", id, rounds);
	return 0;
}

static int churner(void)
{
	unsigned long opens = 0;

	while (time(NULL) < deadline) {
		struct kmemlab_alloc_request req = {
			.argsz = sizeof(req), .allocator = KMEMLAB_KZALLOC,
			.context = KMEMLAB_CTX_PROCESS, .gfp = KMEMLAB_GFP_KERNEL, .size = 4096,
		};
		int fd = dev_open_retry();

		if (fd == -2)
			break;
		if (fd < 0)
			return 1;
		if (opens % 2)
			ioctl(fd, KMEMLAB_ALLOC_IOC_ALLOC, &req);	/* left for close */
		close(fd);
		opens++;
	}
	printf("# churner: %lu opens\n", opens);
	return 0;
}

static int unloader(void)
{
	unsigned long tries = 0, unloads = 0;

	while (time(NULL) < deadline) {
		tries++;
		if (syscall(SYS_delete_module, MODNAME, O_NONBLOCK) == 0) {
			int fd = open(module_path, O_RDONLY | O_CLOEXEC);

			unloads++;
			if (fd < 0 || syscall(SYS_finit_module, fd, "", 0)) {
				printf("# unloader: reload failed: %s\n", strerror(errno));
				return 1;
			}
			close(fd);
		} else if (errno != EWOULDBLOCK && errno != EBUSY) {
			printf("# unloader: delete_module: %s\n", strerror(errno));
			return 1;
		}
		usleep(2000);
	}
	printf("# unloader: %lu tries, %lu unloads (each loaded back)\n", tries, unloads);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "module-dir", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	const char *secs_env = getenv("KMEMLAB_STRESS_SECONDS");
	int seconds = secs_env ? atoi(secs_env) : 5;
	pid_t pids[WORKERS + 2];
	int opt, i, status, nproc = 0, workers_ok = 0, fd;
	struct kmemlab_alloc_stats st = { .argsz = sizeof(st) };
	bool have_unloader;

	while ((opt = getopt_long(argc, argv, "m:", opts, NULL)) != -1) {
		if (opt != 'm')
			return 2;
		snprintf(module_path, sizeof(module_path), "%s/" MODNAME ".ko", optarg);
	}
	printf("TAP version 13\n");
	if (access(DEV, F_OK)) {
		printf("1..0 # SKIP " DEV " missing: load kmemlab_alloc first\n");
		return 0;
	}
	have_unloader = module_path[0] && !access(module_path, R_OK);
	deadline = time(NULL) + (seconds > 0 ? seconds : 5);
	tap_diag("%d workers, a churner%s, for %d s", WORKERS,
		 have_unloader ? " and an unloader" : "", seconds);

	for (i = 0; i < WORKERS + 2; i++) {
		if (i == WORKERS + 1 && !have_unloader)
			break;
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(i < WORKERS ? worker(i) : i == WORKERS ? churner() : unloader());
		nproc++;
	}
	/* Everybody must be done well after the deadline: else something hangs. */
	for (i = 0; i < nproc; i++) {
		time_t give_up = deadline + 120;
		pid_t r;

		while ((r = waitpid(pids[i], &status, WNOHANG)) == 0 && time(NULL) < give_up)
			usleep(20000);
		if (r == 0) {
			tap_result(false, "process %d finished (it hung: killed)", i);
			kill(pids[i], SIGKILL);
			waitpid(pids[i], &status, 0);
			continue;
		}
		if (i < WORKERS)
			workers_ok += WIFEXITED(status) && WEXITSTATUS(status) == 0;
		else
			EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0,
				    "%s finished cleanly", i == WORKERS ? "churner" : "unloader");
	}
	EXPECT_EQ(workers_ok, WORKERS, "all %d workers finished, data intact, counts exact", WORKERS);
	if (!have_unloader)
		tap_skip("no --module-dir given", "unloader finished cleanly");
	fd = open(DEV, O_RDWR | O_CLOEXEC);
	if (EXPECT_TRUE(fd >= 0, "the device is there afterwards")) {
		EXPECT_OK(ioctl(fd, KMEMLAB_ALLOC_IOC_STATS, &st), "STATS afterwards");
		EXPECT_EQ(st.global_buffers, 0, "no buffer left module-wide");
		EXPECT_EQ(st.global_bytes, 0, "no byte left module-wide");
		close(fd);
	}
	return tap_done();
}
