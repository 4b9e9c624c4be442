/*
 * The second program of the initramfs (/bin/child): exec'd by the
 * fork_exec test of init.c. It checks its arguments and environment, says
 * who it is on stdout (a pipe to init) and exits with a known status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *env = getenv("CHILD_TEST");

	if (argc != 3 || strcmp(argv[1], "hello") != 0 || env == NULL || strcmp(env, "yes") != 0) {
		printf("child: bad arguments or environment\n");
		return 1;
	}
	printf("child %s pid %d ppid %d\n", argv[2], (int)getpid(), (int)getppid());
	return 42;
}
