/*
 * /init of the Linux guest's initramfs: a test suite of what a hypervisor
 * must get right for userspace (processes, memory, signals, time, devices).
 *
 * It runs as PID 1: mounts /proc, /sys, /dev (devtmpfs) and /tmp (tmpfs),
 * runs every test in its own child process (a crash or a hang fails that
 * test only), prints one line per test
 *
 *     PASS name[: detail]      FAIL name: why      SKIP name: why
 *
 * then a last line exactly "N passed, N failed" (skips are not counted), and
 * powers off (reboot(RB_POWER_OFF), which Linux turns into SBI SRST). The
 * summary line is the verdict: power-off carries no status.
 * With "shell" on the kernel command line and /bin/sh present, it execs
 * /bin/sh after the suite instead of powering off. With "bench=loop",
 * "bench=fork" or "bench=pipe" it runs one of make bench's workloads
 * instead of the suite.
 *
 * Built static for riscv64 with glibc: riscv64-linux-gnu-gcc -static -O2.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL
/* Per test; generous because the hypervisor emulates a lot. */
#define TEST_TIMEOUT_MS 120000

static char why[256];

/* Set the failure (or, for a pass, the detail) message; returns 1 (FAIL). */
static int say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return 1;
}

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * The runner (PID 1) reads the clock by the system call, not the vDSO: the
 * vDSO executes rdtime in user mode, which raises SIGILL if the firmware or
 * the hypervisor left scounteren.TM clear, and that must fail a test (see
 * rdtime_user), not kill init.
 */
static uint64_t sys_now_ns(clockid_t clk)
{
	struct timespec ts;

	syscall(SYS_clock_gettime, clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static ssize_t read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static int write_full(int fd, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, (const char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

/* Whole small file into buf (NUL-terminated); -1 on error. */
static ssize_t slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read_full(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/* ---- fork, exec, wait ------------------------------------------------- */

static int test_fork_exec(void)
{
	int p[2], status;
	char out[128];
	pid_t pid;
	ssize_t n;

	if (pipe(p) < 0)
		return say("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		return say("fork: %s", strerror(errno));
	if (pid == 0) {
		char *argv[] = { "child", "hello", "world", NULL };
		char *envp[] = { "CHILD_TEST=yes", NULL };
		dup2(p[1], 1);
		close(p[0]);
		execve("/bin/child", argv, envp);
		_exit(127);
	}
	close(p[1]);
	n = read_full(p[0], out, sizeof(out) - 1);
	close(p[0]);
	if (waitpid(pid, &status, 0) != pid)
		return say("waitpid: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 42)
		return say("child status 0x%x, wanted exit 42", status);
	if (n <= 0)
		return say("no output from the child");
	out[n] = '\0';
	if (strncmp(out, "child world pid ", 16) != 0)
		return say("unexpected child output '%s'", out);

	/* A child killed by a signal is reported as such. */
	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	kill(pid, SIGKILL);
	if (waitpid(pid, &status, 0) != pid || !WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
		return say("SIGKILLed child: status 0x%x", status);
	return 0;
}

/* ---- copy-on-write ---------------------------------------------------- */

static int test_cow(void)
{
	const size_t len = 1 << 20;
	unsigned char *buf = malloc(len);
	int status;
	pid_t pid;

	if (buf == NULL)
		return say("malloc failed");
	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)(i * 7);
	pid = fork();
	if (pid < 0)
		return say("fork: %s", strerror(errno));
	if (pid == 0) {
		for (size_t i = 0; i < len; i += 512)
			buf[i] = 0xAA;
		for (size_t i = 0; i < len; i += 512)
			if (buf[i] != 0xAA)
				_exit(2);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return say("child status 0x%x", status);
	for (size_t i = 0; i < len; i++)
		if (buf[i] != (unsigned char)(i * 7))
			return say("parent's byte %zu changed to 0x%02x after the child wrote", i, buf[i]);
	/* And the other way round: the parent writes, the child still sees the old data. */
	int p[2];
	if (pipe(p) < 0)
		return say("pipe: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		char c;
		close(p[1]);
		read_full(p[0], &c, 1);
		for (size_t i = 0; i < len; i++)
			if (buf[i] != (unsigned char)(i * 7))
				_exit(3);
		_exit(0);
	}
	close(p[0]);
	memset(buf, 0x55, len);
	write_full(p[1], "x", 1);
	close(p[1]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return say("child saw the parent's later write (status 0x%x)", status);
	free(buf);
	return 0;
}

/* ---- mmap, mprotect, munmap, SIGSEGV ---------------------------------- */

static sigjmp_buf segv_jmp;
static volatile sig_atomic_t segv_count;
static void *volatile segv_addr;

static void on_segv(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)ctx;
	segv_count++;
	segv_addr = si->si_addr;
	siglongjmp(segv_jmp, 1);
}

/* 1 if the access faulted with SIGSEGV at addr, 0 if it did not. */
static int faults(volatile char *addr, int write)
{
	segv_addr = NULL;
	if (sigsetjmp(segv_jmp, 1) == 0) {
		if (write)
			*addr = 1;
		else
			(void)*addr;
		return 0;
	}
	return segv_addr == (void *)addr ? 1 : -1;
}

static int test_mmap_protect(void)
{
	struct sigaction sa = { 0 };
	char *m;
	int r;

	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);

	m = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return say("mmap: %s", strerror(errno));
	if (m[0] != 0 || m[2 * PAGE + 5] != 0)
		return say("fresh anonymous memory is not zero");
	memset(m, 0x5a, 3 * PAGE);
	if ((r = faults(m + PAGE + 8, 1)) != 0)
		return say("write to a RW page faulted (%d)", r);

	if (mprotect(m + PAGE, PAGE, PROT_READ) < 0)
		return say("mprotect(READ): %s", strerror(errno));
	if ((r = faults(m + PAGE + 16, 1)) != 1)
		return say("write to a read-only page: %s", r ? "wrong si_addr" : "no SIGSEGV");
	if ((r = faults(m + PAGE + 16, 0)) != 0 || m[PAGE + 16] != 0x5a)
		return say("read of a read-only page failed or lost data");
	if ((r = faults(m + 8, 1)) != 0 || (r = faults(m + 2 * PAGE + 8, 1)) != 0)
		return say("neighbour pages of a read-only page lost write access");

	if (mprotect(m + PAGE, PAGE, PROT_NONE) < 0)
		return say("mprotect(NONE): %s", strerror(errno));
	if ((r = faults(m + PAGE + 24, 0)) != 1)
		return say("read of a PROT_NONE page: %s", r ? "wrong si_addr" : "no SIGSEGV");

	if (mprotect(m + PAGE, PAGE, PROT_READ | PROT_WRITE) < 0)
		return say("mprotect(RW): %s", strerror(errno));
	if ((r = faults(m + PAGE + 32, 1)) != 0 || m[PAGE + 40] != 0x5a)
		return say("page made RW again is not writable or lost data");

	if (munmap(m + PAGE, PAGE) < 0)
		return say("munmap: %s", strerror(errno));
	if ((r = faults(m + PAGE, 0)) != 1)
		return say("read of an unmapped page: %s", r ? "wrong si_addr" : "no SIGSEGV");
	if (m[0] != 0x5a || m[2 * PAGE] != 0x5a)
		return say("munmap of the middle page changed its neighbours");
	munmap(m, 3 * PAGE);
	if (segv_count != 3)
		return say("%d SIGSEGVs, expected 3", (int)segv_count);
	return 0;
}

/* ---- a lot of anonymous memory ---------------------------------------- */

static int test_anon_64m(void)
{
	const size_t len = 64UL << 20;
	uint64_t *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	const size_t words = PAGE / sizeof(uint64_t);

	if (m == MAP_FAILED)
		return say("mmap 64 MiB: %s", strerror(errno));
	for (size_t pg = 0; pg < len / PAGE; pg++) {
		uint64_t *p = m + pg * words;
		p[0] = pg ^ 0x9e3779b97f4a7c15ULL;
		p[words / 2] = ~pg;
		p[words - 1] = pg * 3;
	}
	for (size_t pg = 0; pg < len / PAGE; pg++) {
		uint64_t *p = m + pg * words;
		if (p[0] != (pg ^ 0x9e3779b97f4a7c15ULL) || p[words / 2] != ~pg || p[words - 1] != pg * 3)
			return say("page %zu of 16384 lost its pattern", pg);
		if (p[1] != 0)
			return say("page %zu: untouched word is not zero", pg);
	}
	if (munmap(m, len) < 0)
		return say("munmap: %s", strerror(errno));
	return 0;
}

/* ---- signals ----------------------------------------------------------- */

static volatile sig_atomic_t got_usr1, got_alrm;
static void on_usr1(int sig) { got_usr1 = sig; }
static void on_alrm(int sig) { got_alrm = sig; }

static int test_signals(void)
{
	struct sigaction sa = { 0 };
	sigset_t set, old;

	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	kill(getpid(), SIGUSR1);
	if (got_usr1 != SIGUSR1)
		return say("SIGUSR1 handler did not run");

	/* Blocked: pending, not delivered; delivered on unblock. */
	got_usr1 = 0;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	kill(getpid(), SIGUSR1);
	sigset_t pend;
	sigpending(&pend);
	if (got_usr1 || !sigismember(&pend, SIGUSR1))
		return say("blocked SIGUSR1 was delivered or is not pending");
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (got_usr1 != SIGUSR1)
		return say("SIGUSR1 not delivered on unblock");

	/* signalfd: a blocked signal read as data. */
	sigprocmask(SIG_BLOCK, &set, NULL);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0)
		return say("signalfd: %s", strerror(errno));
	kill(getpid(), SIGUSR1);
	struct signalfd_siginfo ssi;
	if (read(sfd, &ssi, sizeof(ssi)) != sizeof(ssi) || ssi.ssi_signo != SIGUSR1)
		return say("signalfd did not return SIGUSR1");
	close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);

	/* A timer signal interrupts pause(): timer interrupts reach userspace. */
	struct itimerval it = { .it_value = { 0, 50000 } };
	sa.sa_handler = on_alrm;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	while (!got_alrm)
		pause();
	return 0;
}

/* ---- illegal instruction from user mode --------------------------------- */

static sigjmp_buf ill_jmp;
static void on_ill(int sig)
{
	(void)sig;
	siglongjmp(ill_jmp, 1);
}

static int test_sigill(void)
{
	struct sigaction sa = { 0 };
	volatile int trapped = 0;

	sa.sa_handler = on_ill;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGILL, &sa, NULL);
	if (sigsetjmp(ill_jmp, 1) == 0) {
		unsigned long v;
		/* A supervisor CSR: must trap from user mode, never read. */
		__asm__ volatile("csrr %0, sstatus" : "=r"(v));
		(void)v;
	} else {
		trapped = 1;
	}
	if (!trapped)
		return say("csrr sstatus from user mode did not raise SIGILL");
	return 0;
}

/* rdtime in user mode (what the vDSO's clock_gettime does): needs scounteren.TM. */
static int test_rdtime(void)
{
	struct sigaction sa = { 0 };
	volatile int trapped = 0;
	volatile unsigned long t1 = 0, t2 = 0;

	sa.sa_handler = on_ill;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGILL, &sa, NULL);
	if (sigsetjmp(ill_jmp, 1) == 0) {
		unsigned long v;
		__asm__ volatile("rdtime %0" : "=r"(v));
		t1 = v;
		for (int i = 0; i < 100000 && t2 <= t1; i++) {
			__asm__ volatile("rdtime %0" : "=r"(v));
			t2 = v;
		}
	} else {
		trapped = 1;
	}
	if (trapped)
		return say("rdtime from user mode raised SIGILL (scounteren.TM clear)");
	if (t2 <= t1)
		return say("time CSR does not advance (%lu, %lu)", (unsigned long)t1, (unsigned long)t2);
	return 0;
}

/* ---- pipes ------------------------------------------------------------- */

static int test_pipe(void)
{
	enum { LEN = 256 * 1024 };
	int to[2], from[2], status;
	static unsigned char buf[LEN], back[LEN];
	pid_t pid;

	if (pipe(to) < 0 || pipe(from) < 0)
		return say("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		return say("fork: %s", strerror(errno));
	if (pid == 0) {
		/* Echo back every byte, complemented. */
		unsigned char chunk[4096];
		ssize_t n;
		close(to[1]);
		close(from[0]);
		while ((n = read(to[0], chunk, sizeof(chunk))) > 0) {
			for (ssize_t i = 0; i < n; i++)
				chunk[i] = (unsigned char)~chunk[i];
			if (write_full(from[1], chunk, (size_t)n) < 0)
				_exit(1);
		}
		_exit(n < 0 ? 2 : 0);
	}
	close(to[0]);
	close(from[1]);
	for (size_t i = 0; i < LEN; i++)
		buf[i] = (unsigned char)(i ^ (i >> 8) ^ (i >> 16));
	/* Interleave so that neither pipe buffer (64 KiB) deadlocks us. */
	size_t sent = 0, got = 0;
	while (got < LEN) {
		struct pollfd pf[2] = { { from[0], POLLIN, 0 }, { sent < LEN ? to[1] : -1, POLLOUT, 0 } };
		if (poll(pf, 2, 10000) <= 0)
			return say("poll timed out with %zu sent, %zu back", sent, got);
		if (pf[1].revents & POLLOUT) {
			ssize_t n = write(to[1], buf + sent, LEN - sent > 4096 ? 4096 : LEN - sent);
			if (n > 0)
				sent += (size_t)n;
			if (sent == LEN)
				close(to[1]);
		}
		if (pf[0].revents & (POLLIN | POLLHUP)) {
			ssize_t n = read(from[0], back + got, LEN - got);
			if (n <= 0)
				return say("read back: %s after %zu bytes", n ? strerror(errno) : "EOF", got);
			got += (size_t)n;
		}
	}
	close(from[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return say("echo child status 0x%x", status);
	for (size_t i = 0; i < LEN; i++)
		if (back[i] != (unsigned char)~buf[i])
			return say("byte %zu came back as 0x%02x", i, back[i]);
	return 0;
}

/* ---- threads (clone, futex, FPU state) ---------------------------------- */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *worker(void *arg)
{
	double x = (double)(long)arg, acc = 0;

	for (int i = 0; i < 20000; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
		acc += x * 0.5;
		if ((i & 1023) == 0)
			sched_yield();
	}
	/* Exact in binary: 20000 * x / 2. */
	return acc == 10000.0 * x ? NULL : (void *)1;
}

static int test_threads(void)
{
	pthread_t t[4];

	for (long i = 0; i < 4; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(i + 1)) != 0)
			return say("pthread_create failed");
	int bad = 0;
	for (int i = 0; i < 4; i++) {
		void *r;
		pthread_join(t[i], &r);
		bad |= r != NULL;
	}
	if (counter != 4 * 20000)
		return say("counter %ld, expected 80000 (lost updates under the mutex)", counter);
	if (bad)
		return say("floating-point state corrupted across context switches");
	return 0;
}

/* ---- SMP ---------------------------------------------------------------- */

/*
 * One thread pinned to each CPU. They count on a shared atomic counter,
 * then all read one page, which the main thread replaces (munmap, then a
 * new page at the same address) and then makes read-only (mprotect). A
 * CPU that kept a stale translation would read the old page, or write to
 * a page that is now read-only: Linux's remote TLB flushes (SBI RFENCE)
 * must have reached it. The main thread is pinned to CPU 0 too.
 */
#define SMP_COUNTS 20000
#define SMP_MAX_CPUS 8

struct smp_worker {
	pthread_t thread;
	int cpu;
	int cpu_seen;
	uint64_t before, after;
	int write_faulted;
};

static volatile uint64_t *smp_page;
static long smp_counter;
static int smp_phase, smp_arrived;
static __thread sigjmp_buf smp_segv_jmp;

static void smp_on_segv(int sig)
{
	(void)sig;
	siglongjmp(smp_segv_jmp, 1);
}

static void smp_arrive_and_wait(int phase)
{
	__atomic_fetch_add(&smp_arrived, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&smp_phase, __ATOMIC_SEQ_CST) < phase)
		sched_yield();
}

static void smp_wait_arrived(int n)
{
	while (__atomic_load_n(&smp_arrived, __ATOMIC_SEQ_CST) < n)
		sched_yield();
}

static int pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static void *smp_worker(void *arg)
{
	struct smp_worker *w = arg;

	if (pin_to(w->cpu) == 0)
		w->cpu_seen = sched_getcpu();
	for (int i = 0; i < SMP_COUNTS; i++)
		__atomic_fetch_add(&smp_counter, 1, __ATOMIC_RELAXED);
	smp_arrive_and_wait(1);
	for (int i = 0; i < 1000; i++)
		w->before = smp_page[0];
	smp_arrive_and_wait(2);
	w->after = smp_page[0];
	smp_arrive_and_wait(3);
	if (sigsetjmp(smp_segv_jmp, 1) == 0) {
		smp_page[1] = 1;
		w->write_faulted = 0;
	} else {
		w->write_faulted = 1;
	}
	__atomic_fetch_add(&smp_arrived, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* The CPU count the harness expects ("expect_cpus=N" on the command line),
 * or 0. */
static int expected_cpus(void)
{
	char buf[1024];

	if (slurp("/proc/cmdline", buf, sizeof(buf)) <= 0)
		return 0;
	const char *p = strstr(buf, "expect_cpus=");
	return p ? atoi(p + strlen("expect_cpus=")) : 0;
}

static int test_smp(void)
{
	struct smp_worker w[SMP_MAX_CPUS];
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	int want = expected_cpus();

	if (n < 1 || n > SMP_MAX_CPUS)
		return say("%ld CPUs online", n);
	if (want && n != want)
		return say("%ld CPUs online, expected %d", n, want);
	struct sigaction sa = { .sa_handler = smp_on_segv };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	pin_to(0);
	smp_page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (smp_page == MAP_FAILED)
		return say("mmap: %s", strerror(errno));
	smp_page[0] = 0xaaaa;
	for (int c = 0; c < n; c++) {
		w[c] = (struct smp_worker){ .cpu = c, .cpu_seen = -1 };
		if (pthread_create(&w[c].thread, NULL, smp_worker, &w[c]) != 0)
			return say("pthread_create failed");
	}
	smp_wait_arrived((int)n);
	__atomic_store_n(&smp_phase, 1, __ATOMIC_SEQ_CST);
	smp_wait_arrived(2 * (int)n);
	/* A new page where the old one was: every CPU must forget the old. */
	void *at = (void *)smp_page;
	if (munmap(at, PAGE) < 0 ||
	    mmap(at, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
		 0) != at)
		return say("remapping the page failed: %s", strerror(errno));
	smp_page[0] = 0xbbbb;
	__atomic_store_n(&smp_phase, 2, __ATOMIC_SEQ_CST);
	smp_wait_arrived(3 * (int)n);
	if (mprotect(at, PAGE, PROT_READ) < 0)
		return say("mprotect: %s", strerror(errno));
	__atomic_store_n(&smp_phase, 3, __ATOMIC_SEQ_CST);
	for (int c = 0; c < n; c++)
		pthread_join(w[c].thread, NULL);
	for (int c = 0; c < n; c++) {
		if (w[c].cpu_seen != c)
			return say("the thread pinned to CPU %d ran on %d", c, w[c].cpu_seen);
		if (w[c].before != 0xaaaa || w[c].after != 0xbbbb)
			return say("CPU %d read %#llx then %#llx: a stale translation after munmap",
				   c, (unsigned long long)w[c].before, (unsigned long long)w[c].after);
		if (!w[c].write_faulted)
			return say("CPU %d wrote a page made read-only: a stale translation after "
				   "mprotect", c);
	}
	if (smp_counter != n * SMP_COUNTS)
		return say("counter %ld, expected %ld (lost atomic updates)", smp_counter,
			   n * SMP_COUNTS);
	say("%ld CPUs", n);
	return 0;
}

/* ---- time --------------------------------------------------------------- */

static int test_clock(void)
{
	uint64_t a = now_ns(CLOCK_MONOTONIC), b;
	struct timespec req = { 0, 100000000 };

	for (int i = 0; i < 1000000 && (b = now_ns(CLOCK_MONOTONIC)) == a; i++)
		;
	if (b <= a)
		return say("CLOCK_MONOTONIC does not advance");
	a = now_ns(CLOCK_MONOTONIC);
	if (nanosleep(&req, NULL) < 0)
		return say("nanosleep: %s", strerror(errno));
	b = now_ns(CLOCK_MONOTONIC);
	uint64_t ms = (b - a) / 1000000;
	if (b - a < 100000000ULL)
		return say("nanosleep(100 ms) lasted only %llu us", (unsigned long long)(b - a) / 1000);
	if (ms > 2000)
		return say("nanosleep(100 ms) lasted %llu ms", (unsigned long long)ms);
	if (now_ns(CLOCK_REALTIME) == 0)
		return say("CLOCK_REALTIME is zero");
	say("nanosleep(100 ms) took %llu.%03llu ms", (unsigned long long)ms,
	    (unsigned long long)((b - a) / 1000 % 1000));
	return 0;
}

/* ---- /proc/cpuinfo ------------------------------------------------------- */

static int test_cpuinfo(void)
{
	static char buf[8192];
	char *isa, *end;

	if (slurp("/proc/cpuinfo", buf, sizeof(buf)) <= 0)
		return say("cannot read /proc/cpuinfo");
	isa = strstr(buf, "\nisa");
	if (isa == NULL)
		return say("no isa line in /proc/cpuinfo");
	isa = strchr(isa, ':');
	if (isa == NULL)
		return say("malformed isa line");
	isa++;
	while (*isa == ' ' || *isa == '\t')
		isa++;
	end = strchr(isa, '\n');
	if (end)
		*end = '\0';
	if (strncmp(isa, "rv64", 4) != 0)
		return say("isa '%s' does not start with rv64", isa);
	/* Single-letter extensions: from rv64 up to the first '_' (or the end). */
	for (const char *c = isa + 4; *c && *c != '_'; c++)
		if (*c == 'h')
			return say("isa '%s' has the H extension", isa);
	if (!strchr(isa + 4, 'i') || !strchr(isa + 4, 'm') || !strchr(isa + 4, 'a'))
		return say("isa '%s' lacks i, m or a", isa);
	say("isa %s", isa);
	return 0;
}

/* ---- filesystems: tmpfs, devtmpfs, procfs -------------------------------- */

static int test_fs(void)
{
	char buf[64];
	int fd = open("/tmp/t", O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return say("create /tmp/t: %s", strerror(errno));
	if (write_full(fd, "tmpfs works", 11) < 0 || lseek(fd, 0, SEEK_SET) != 0 ||
	    read_full(fd, buf, 11) != 11 || memcmp(buf, "tmpfs works", 11) != 0)
		return say("tmpfs write/read back failed");
	close(fd);
	if (unlink("/tmp/t") < 0)
		return say("unlink: %s", strerror(errno));
	fd = open("/dev/null", O_WRONLY);
	if (fd < 0 || write(fd, "x", 1) != 1)
		return say("/dev/null: %s", strerror(errno));
	close(fd);
	snprintf(buf, sizeof(buf), "/proc/%d/stat", (int)getpid());
	if (access(buf, R_OK) < 0)
		return say("%s: %s", buf, strerror(errno));
	if (access("/sys/kernel", F_OK) < 0)
		return say("/sys/kernel: %s", strerror(errno));
	return 0;
}

/* ---- virtio-blk: a record that survives to the next boot ------------------ */

#define REC_MAGIC 0x31544c4e49565648ULL /* "HVVINLT1" */

struct record {
	uint64_t magic, seq, check;
};

static uint64_t rec_check(const struct record *r)
{
	/* FNV-1a over magic and seq. */
	uint64_t h = 0xcbf29ce484222325ULL;
	const unsigned char *p = (const unsigned char *)r;
	for (size_t i = 0; i < 16; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

static int test_virtio_blk(void)
{
	static unsigned char sec[512];
	struct record rec, old;
	char prev[64];
	int fd = open("/dev/vda", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return say("open /dev/vda: %s", strerror(errno));
	if (pread(fd, sec, sizeof(sec), 0) != (ssize_t)sizeof(sec))
		return say("read sector 0: %s", strerror(errno));
	memcpy(&old, sec, sizeof(old));
	if (old.magic == REC_MAGIC) {
		if (old.check != rec_check(&old))
			return say("sector 0 has a record with a bad checksum (seq %llu)",
				   (unsigned long long)old.seq);
		snprintf(prev, sizeof(prev), "previous boot wrote %llu", (unsigned long long)old.seq);
	} else {
		old.seq = 0;
		snprintf(prev, sizeof(prev), "no previous record");
	}
	rec.magic = REC_MAGIC;
	rec.seq = old.seq + 1;
	rec.check = rec_check(&rec);
	memset(sec, 0, sizeof(sec));
	memcpy(sec, &rec, sizeof(rec));
	/* Also a pattern in sector 1, to see more than one sector go through. */
	static unsigned char sec1[512];
	for (size_t i = 0; i < sizeof(sec1); i++)
		sec1[i] = (unsigned char)(rec.seq + i);
	if (pwrite(fd, sec, sizeof(sec), 0) != (ssize_t)sizeof(sec) ||
	    pwrite(fd, sec1, sizeof(sec1), 512) != (ssize_t)sizeof(sec1))
		return say("write: %s", strerror(errno));
	if (fsync(fd) < 0)
		return say("fsync: %s", strerror(errno));
	/* Drop the page cache, then read back from the device itself. */
	if (ioctl(fd, BLKFLSBUF, 0) < 0)
		return say("BLKFLSBUF: %s", strerror(errno));
	static unsigned char rb[1024];
	if (pread(fd, rb, sizeof(rb), 0) != (ssize_t)sizeof(rb))
		return say("read back: %s", strerror(errno));
	if (memcmp(rb, sec, 512) != 0 || memcmp(rb + 512, sec1, 512) != 0)
		return say("sectors read back from the device differ from what was written");
	close(fd);
	say("%s, wrote %llu", prev, (unsigned long long)rec.seq);
	return 0;
}

/* ---- the runner ----------------------------------------------------------- */

static int passed, failed;

static void report(const char *verdict, const char *name, const char *msg)
{
	if (msg[0])
		printf("%s %s: %s\n", verdict, name, msg);
	else
		printf("%s %s\n", verdict, name);
}

/* Run fn in a child process; its message comes back through a pipe. */
static void run(const char *name, int (*fn)(void))
{
	int p[2], status = 0;
	char msg[sizeof(why)];
	ssize_t n = 0;
	pid_t pid;

	if (pipe(p) < 0) {
		report("FAIL", name, "pipe failed");
		failed++;
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		why[0] = '\0';
		int r = fn();
		fflush(stdout);
		write_full(p[1], why, strlen(why));
		_exit(r ? 1 : 0);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		snprintf(msg, sizeof(msg), "fork: %s", strerror(errno));
		report("FAIL", name, msg);
		failed++;
		return;
	}
	struct pollfd pf = { p[0], POLLIN, 0 };
	int timed_out = 0;
	size_t got = 0;
	uint64_t deadline = sys_now_ns(CLOCK_MONOTONIC) + TEST_TIMEOUT_MS * 1000000ULL;
	for (;;) {
		uint64_t t = sys_now_ns(CLOCK_MONOTONIC);
		if (t >= deadline) {
			timed_out = 1;
			break;
		}
		int r = poll(&pf, 1, (int)((deadline - t) / 1000000 + 1));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		n = read(p[0], msg + got, sizeof(msg) - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	msg[got] = '\0';
	close(p[0]);
	if (timed_out)
		kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	if (timed_out) {
		snprintf(msg, sizeof(msg), "timed out after %d s", TEST_TIMEOUT_MS / 1000);
		report("FAIL", name, msg);
		failed++;
	} else if (WIFSIGNALED(status)) {
		snprintf(msg, sizeof(msg), "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
		report("FAIL", name, msg);
		failed++;
	} else if (WEXITSTATUS(status) != 0) {
		report("FAIL", name, got ? msg : "failed");
		failed++;
	} else {
		report("PASS", name, msg);
		passed++;
	}
}

static void check_mount(const char *src, const char *dir, const char *type)
{
	char name[32], msg[128];

	snprintf(name, sizeof(name), "mount_%s", type);
	mkdir(dir, 0755);
	if (mount(src, dir, type, 0, NULL) < 0 && errno != EBUSY) {
		snprintf(msg, sizeof(msg), "mount %s on %s: %s", type, dir, strerror(errno));
		report("FAIL", name, msg);
		failed++;
	} else {
		report("PASS", name, "");
		passed++;
	}
}

static int cmdline_has(const char *word)
{
	static char buf[1024];
	size_t wl = strlen(word);

	if (slurp("/proc/cmdline", buf, sizeof(buf)) <= 0)
		return 0;
	for (char *p = strtok(buf, " \n"); p; p = strtok(NULL, " \n"))
		if (strlen(p) == wl && memcmp(p, word, wl) == 0)
			return 1;
	return 0;
}

/* make bench's compute-bound workload: no system call, no page fault. */
static void bench_loop(void)
{
	uint64_t x = 88172645463325252ull;
	for (unsigned i = 0; i < 20000000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	printf("bench: loop done (%llx)\n", (unsigned long long)x);
}

/* make bench's process workload: fork, fault in fresh memory, exec, wait. */
static void bench_fork(void)
{
	enum { ROUNDS = 200, TOUCH = 1 << 20 };
	for (int i = 0; i < ROUNDS; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			printf("bench: fork: %s\n", strerror(errno));
			return;
		}
		if (pid == 0) {
			char *p = mmap(NULL, TOUCH, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p == MAP_FAILED)
				_exit(1);
			for (size_t o = 0; o < TOUCH; o += 4096)
				p[o] = 1;
			int null = open("/dev/null", O_WRONLY);
			if (null < 0 || dup2(null, 1) < 0)
				_exit(1);
			char *argv[] = { "child", "hello", "bench", NULL };
			char *envp[] = { "CHILD_TEST=yes", NULL };
			execve("/bin/child", argv, envp);
			_exit(1);
		}
		int status;
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 42) {
			printf("bench: fork: round %d failed\n", i);
			return;
		}
	}
	printf("bench: fork done (%d rounds)\n", ROUNDS);
}

/* make bench's switching workload: two processes that take turns through
 * a pair of pipes, each working on its own 64 KiB between turns, as a
 * shell pipeline or a client and its server do. */
static void bench_pipe(void)
{
	enum { ROUNDS = 2000, WORK = 64 << 10 };
	int ping[2], pong[2];
	if (pipe(ping) || pipe(pong)) {
		printf("bench: pipe: %s\n", strerror(errno));
		return;
	}
	pid_t pid = fork();
	if (pid < 0) {
		printf("bench: pipe: fork: %s\n", strerror(errno));
		return;
	}
	int child = pid == 0;
	int in = child ? ping[0] : pong[0], out = child ? pong[1] : ping[1];
	static char work[WORK];
	char token = 0;
	for (int i = 0; i < ROUNDS; i++) {
		if (!child && write(out, &token, 1) != 1)
			break;
		if (read(in, &token, 1) != 1)
			break;
		for (size_t o = 0; o < WORK; o += 4096)
			work[o] += token;
		token++;
		if (child && write(out, &token, 1) != 1)
			break;
	}
	if (child)
		_exit(0);
	int status;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		printf("bench: pipe: the other process failed\n");
		return;
	}
	printf("bench: pipe done (%d round trips, token %d)\n", ROUNDS, token);
}

int main(void)
{
	uint64_t t0 = sys_now_ns(CLOCK_MONOTONIC);

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("init: Linux guest test suite, pid %d\n", (int)getpid());

	check_mount("proc", "/proc", "proc");
	check_mount("sysfs", "/sys", "sysfs");
	check_mount("devtmpfs", "/dev", "devtmpfs");
	check_mount("tmpfs", "/tmp", "tmpfs");
	if (cmdline_has("bench=loop") || cmdline_has("bench=fork") || cmdline_has("bench=pipe")) {
		if (cmdline_has("bench=loop"))
			bench_loop();
		else if (cmdline_has("bench=fork"))
			bench_fork();
		else
			bench_pipe();
		reboot(RB_POWER_OFF);
		printf("init: reboot(RB_POWER_OFF): %s\n", strerror(errno));
		for (;;)
			pause();
	}
	if (getpid() == 1) {
		report("PASS", "pid1", "");
		passed++;
	} else {
		report("FAIL", "pid1", "init is not PID 1");
		failed++;
	}

	run("fork_exec_wait", test_fork_exec);
	run("cow", test_cow);
	run("mmap_mprotect_segv", test_mmap_protect);
	run("anon_64mib", test_anon_64m);
	run("signals", test_signals);
	run("sigill_csr", test_sigill);
	run("rdtime_user", test_rdtime);
	run("pipe", test_pipe);
	run("threads", test_threads);
	run("smp", test_smp);
	run("clock_nanosleep", test_clock);
	run("cpuinfo_isa", test_cpuinfo);
	run("fs", test_fs);
	if (access("/dev/vda", F_OK) == 0)
		run("virtio_blk", test_virtio_blk);
	else
		printf("SKIP virtio_blk: no /dev/vda\n");

	struct timespec up;
	syscall(SYS_clock_gettime, CLOCK_BOOTTIME, &up);
	printf("init: suite took %llu ms; %ld.%03ld s since the kernel started\n",
	       (unsigned long long)((sys_now_ns(CLOCK_MONOTONIC) - t0) / 1000000), (long)up.tv_sec,
	       up.tv_nsec / 1000000);
	printf("%d passed, %d failed\n", passed, failed);
	fflush(stdout);
	sync();

	if (cmdline_has("shell") && access("/bin/sh", X_OK) == 0) {
		/* BusyBox's cttyhack makes the console our controlling tty (job control, ^C). */
		int ctty = access("/bin/cttyhack", X_OK) == 0;
		char *argv_ctty[] = { "cttyhack", "/bin/sh", NULL }, *argv_sh[] = { "sh", NULL };
		char *envp[] = { "PATH=/bin:/sbin:/usr/bin:/usr/sbin", "HOME=/", "TERM=vt100", NULL };
		printf("init: 'shell' on the command line: exec /bin/sh (leave with 'poweroff -f')\n");
		fflush(stdout);
		setsid();
		if (ctty)
			execve("/bin/cttyhack", argv_ctty, envp);
		execve("/bin/sh", argv_sh, envp);
		printf("init: exec /bin/sh: %s\n", strerror(errno));
	}
	reboot(RB_POWER_OFF);
	printf("init: reboot(RB_POWER_OFF): %s\n", strerror(errno));
	for (;;)
		pause();
}
