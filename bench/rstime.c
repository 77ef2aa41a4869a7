/* rstime: run a command and report its wall time, CPU time and peak RSS (benchmark helper).
 *
 *	rstime -o FILE cmd [arg ...]
 *
 * Writes one line "wall_s user_s sys_s maxrss_kib status" to FILE when the command ends, and exits
 * with the command's status (128+n for a signal).  This process stays small, so the peak RSS that
 * wait4() reports is the command's own: a child forked from a large process (python) would start
 * out with its parent's resident size counted as its own high-water mark. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct timespec t0, t1;
	struct rusage ru;
	const char *outpath;
	int status, code;
	pid_t pid;
	FILE *f;

	if (argc < 4 || strcmp(argv[1], "-o") != 0) {
		fprintf(stderr, "usage: rstime -o FILE cmd [arg ...]\n");
		return 2;
	}
	outpath = argv[2];
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((pid = fork()) < 0) {
		perror("rstime: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[3], argv + 3);
		fprintf(stderr, "rstime: %s: %s\n", argv[3], strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR) {
			perror("rstime: wait4");
			return 2;
		}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (!(f = fopen(outpath, "w"))) {
		perror(outpath);
		return 2;
	}
	fprintf(f, "%.6f %.6f %.6f %ld %d\n", (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	    ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6, ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6,
	    ru.ru_maxrss, code);
	if (fclose(f) != 0) {
		perror(outpath);
		return 2;
	}
	return code;
}
