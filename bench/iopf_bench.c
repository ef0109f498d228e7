// SPDX-License-Identifier: GPL-2.0-only
/*
 * The harness's I/O page fault benchmark (make bench), not part of the
 * kernel series: it runs in the benchmark guest, through the software PRI
 * device of CONFIG_IOMMU_IOPF_TEST, and builds against the patched tree's
 * exported headers (<linux/iopf_test.h>) and its selftests' kselftest.h
 * (scripts/initramfs.sh). Every result is a ratio of two measurements taken
 * in the same run, so that it does not depend on the speed of the machine:
 *
 * iopf_over_cpu_per_page: time per page for the device to fault in fresh
 *   pages (single-page groups, sent in batches) over time per page for the
 *   CPU to fault in fresh pages of another mapping of the same kind and size,
 *   for anonymous and for shared file (shmem) memory. Both end in
 *   handle_mm_fault() on the same mm.
 * lookup_1024_over_1: device fault throughput with 1024 PASIDs bound to the
 *   device, one process each, over throughput with only this one bound.
 * churn_over_quiet: device fault throughput while another process binds and
 *   unbinds its PASID on the same device in a loop, over throughput without.
 * cpu_hog_over_quiet, for reference: the same with a process that only
 *   spins on a CPU incrementing a shared counter (an atomic instruction per
 *   iteration), to tell the CPU time the churn takes from the fault path
 *   from contention in the path itself; cpu_spin_over_quiet: the same
 *   process without the atomic instruction.
 * churn_over_hog: device fault throughput while another process binds and
 *   unbinds in a loop, over throughput while another process uses the same
 *   CPU time as that churning process, spinning in a duty cycle: whether
 *   the churn costs the fault path more than the CPU time it takes.
 *   For reference, churn_guest_cpu_over_hog and churn_switches_over_hog:
 *   the guest's busy CPU time and context switches per second during the
 *   churn over next to that process, from /proc/stat, which count the work
 *   bind and unbind leave to kernel threads (RCU, workqueues) as well;
 *   churn_other_dev_over_{quiet,hog}: the same two ratios with the process
 *   binding and unbinding on a test device of its own, which shares with
 *   the measured one only what all devices share (the IOPF queue, the
 *   IOMMU, the SVA library), to tell what the churn costs through the
 *   device itself.
 * scale_256_over_1_{threads,procs,devs}: aggregate device fault
 *   throughput with 256 concurrent submitters over one, as threads of one
 *   process sharing its PASID on one device, as processes with a PASID each
 *   on one device, and as processes with a device each; p99_256_over_1_*:
 *   the same for the 99th percentile of a submission's round trip. The
 *   groups the watchdog reported overdue meanwhile are counted
 *   (scale_overdue, must be 0). scale_256_over_1_{threads,procs,devs}_1cpu:
 *   the same with the submitters and the IOPF queue's workers on one CPU,
 *   where a single submitter's throughput does not depend on where the
 *   scheduler puts its worker.
 * pingpong_256_over_1_{threads,procs}, for reference: the same ratio for
 *   round trips through pipes between clients and one server thread, with
 *   no IOMMU involved: what 256 processes cost over 256 threads in the
 *   guest itself (switching address spaces), to read the scale figures;
 *   cpufault_256_over_1_{threads,procs}_1cpu, for reference: the CPU's own
 *   faults in the same pattern on one CPU, clients writing two fresh pages
 *   and yielding, for the _1cpu scale figures.
 * kva_flush_1024_over_0: time to map 2 MiB of ioremap space with one huge
 *   entry over a range that had a 4K mapping, which frees a kernel
 *   page-table page and so invalidates the IOMMU caches of every bound
 *   address space first, with 1024 processes bound over none bound; also
 *   with 1 bound, and for 4K ioremap, 4K vmap and huge vmalloc cycles
 *   (kva_<op>_<n>_over_0), which free no page-table page in the common case.
 * latency_cross_over_same_cpu: the median one-page round trip with the IOPF
 *   queue's workers kept on the other CPU than the submitter, over the
 *   median with both on the submitter's CPU; latency_{same,cross}_cpu_p50_us
 *   and _p99_us for reference. Only where the guest lets them be pinned.
 *
 * With -c, only the churn ratios (churn_over_{quiet,hog} and
 * churn_other_dev_over_{quiet,hog}, with their references), in as many
 * repetitions as -r asks: to compare two kernels on what bind and unbind
 * cost the fault path, boot after boot, without the rest of the benchmark.
 *
 * Each is measured in several repetitions, reported as median, min and max,
 * with the raw samples in the JSON output. Fault latency (one-group
 * submissions, request to response as seen by the submitting process) and
 * faults per second are absolute values, for reference only.
 *
 * Not a test: it fails only when the device does not answer as it should.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include <linux/iopf_test.h>

#include "kselftest.h"

#define DEV_PATH	"/dev/iopf-test"
#define TIMEOUT_MS	60000

static long page_size;
static int dev_fd;
static struct iopf_test_req reqs[IOPF_TEST_MAX_BATCH];

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "iopf_bench: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int dev_bind(void)
{
	struct iopf_test_bind bind = { .size = sizeof(bind) };

	return ioctl(dev_fd, IOPF_TEST_IOC_BIND, &bind) ? -errno : 0;
}

static int dev_unbind(void)
{
	return ioctl(dev_fd, IOPF_TEST_IOC_UNBIND) ? -errno : 0;
}

/* Fault in @n pages at @mem for writing, as single-page groups. */
static void dev_fault(char *mem, size_t n, uint32_t flags)
{
	struct iopf_test_submit sub = {
		.size = sizeof(sub),
		.flags = flags,
		.timeout_ms = TIMEOUT_MS,
		.reqs = (uintptr_t)reqs,
	};
	size_t done, i;

	for (done = 0; done < n; done += sub.nr_reqs) {
		sub.nr_reqs = n - done < IOPF_TEST_MAX_BATCH ?
			      n - done : IOPF_TEST_MAX_BATCH;
		for (i = 0; i < sub.nr_reqs; i++) {
			reqs[i] = (struct iopf_test_req) {
				.addr = (uintptr_t)mem + (done + i) * page_size,
				.data = done + i,
				.perm = IOPF_TEST_PERM_WRITE,
				.grpid = i,
				.flags = IOPF_TEST_REQ_LAST,
			};
		}
		if (ioctl(dev_fd, IOPF_TEST_IOC_SUBMIT, &sub))
			die("submit: %s", strerror(errno));
		for (i = 0; i < sub.nr_reqs; i++)
			if (reqs[i].resp != IOPF_TEST_RESP_SUCCESS)
				die("page %zu answered %u", done + i,
				    reqs[i].resp);
	}
}

static void cpu_fault(char *mem, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		__atomic_store_n((uint64_t *)(mem + i * page_size), i,
				 __ATOMIC_RELAXED);
}

/* Every page of @mem is present: the faults really happened */
static void check_resident(char *mem, size_t n)
{
	unsigned char *vec = malloc(n);
	size_t i;

	if (!vec || mincore(mem, n * page_size, vec))
		die("mincore: %s", strerror(errno));
	for (i = 0; i < n; i++)
		if (!(vec[i] & 1))
			die("page %zu not present after its fault", i);
	free(vec);
}

enum mem_kind { MEM_ANON, MEM_FILE };

static char *map_fresh(enum mem_kind kind, size_t n)
{
	size_t len = n * page_size;
	int fd = -1, flags = MAP_PRIVATE | MAP_ANONYMOUS;
	char *p;

	if (kind == MEM_FILE) {
		fd = memfd_create("iopf_bench", MFD_CLOEXEC);
		if (fd < 0 || ftruncate(fd, len))
			die("memfd: %s", strerror(errno));
		flags = MAP_SHARED;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, fd, 0);
	if (p == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	/* Base pages on both sides: one fault per page */
	madvise(p, len, MADV_NOHUGEPAGE);
	if (fd >= 0)
		close(fd);
	return p;
}

/* Device fault throughput on @n fresh anonymous pages, in pages/s */
static double dev_throughput(size_t n)
{
	char *mem = map_fresh(MEM_ANON, n);
	double t;

	t = now();
	dev_fault(mem, n, IOPF_TEST_SUBMIT_NO_ACCESS);
	t = now() - t;
	check_resident(mem, n);
	munmap(mem, n * page_size);
	return n / t;
}

/*
 * Device fault throughput on fresh memory, in chunks of @n pages, over at
 * least @secs seconds
 */
static double dev_throughput_for(size_t n, double secs)
{
	double start = now(), pages = 0, busy = 0;

	do {
		busy += n / dev_throughput(n);
		pages += n;
	} while (now() - start < secs);
	return pages / busy;
}

struct result {
	const char *key;
	const char *what;
	int n;
	int cap;
	double *v;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The value at quantile @q of the sorted @v */
static double quantile(const double *v, int n, double q)
{
	double *s = malloc(n * sizeof(*s)), r;
	int i = (int)(q * (n - 1) + 0.5);

	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	r = s[i];
	free(s);
	return r;
}

static void add(struct result *r, double v)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 16;
		r->v = realloc(r->v, r->cap * sizeof(*r->v));
		if (!r->v)
			die("out of memory");
	}
	r->v[r->n++] = v;
}

/* Time per page, device over CPU, on fresh memory of one kind */
static void bench_per_page(struct result *r, struct result *raw_dev,
			   struct result *raw_cpu, enum mem_kind kind,
			   size_t n, int reps, uint32_t flags)
{
	int rep;

	for (rep = 0; rep < reps; rep++) {
		char *dmem = map_fresh(kind, n), *cmem = map_fresh(kind, n);
		double td, tc;

		/* Alternate which side goes first */
		if (rep & 1) {
			tc = now();
			cpu_fault(cmem, n);
			tc = now() - tc;
		}
		td = now();
		dev_fault(dmem, n, flags);
		td = now() - td;
		if (!(rep & 1)) {
			tc = now();
			cpu_fault(cmem, n);
			tc = now() - tc;
		}
		check_resident(dmem, n);
		munmap(dmem, n * page_size);
		munmap(cmem, n * page_size);
		add(r, td / tc);
		if (raw_dev) {
			add(raw_dev, td / n * 1e6);
			add(raw_cpu, tc / n * 1e6);
		}
	}
}

/*
 * The processes that hold the other PASIDs. Each waits for a new command,
 * binds or unbinds so that exactly the first @target of them are bound,
 * and acknowledges. Shared memory and futexes, so that waiting costs the
 * measured process nothing.
 */
struct herd {
	int seq;
	int target;
	int acked;
	int failed;
};

static struct herd *herd;
static int herd_size;

static long futex(int *uaddr, int op, int val)
{
	return syscall(SYS_futex, uaddr, op, val, NULL, NULL, 0);
}

/*
 * Wait until *@started, which the processes or threads of a measurement
 * raise when they are going, reaches @n. A process of the measurement
 * (@pid, or any child with -1; none with 0) that exits before has failed
 * and would never get there: fail too, rather than wait for ever.
 */
static void wait_started(int *started, int n, pid_t pid)
{
	while (__atomic_load_n(started, __ATOMIC_ACQUIRE) < n) {
		if (pid && waitpid(pid, NULL, WNOHANG) > 0)
			die("a process of the measurement failed before it started");
		usleep(1000);
	}
}

static void herd_member(int id)
{
	int seq = 0, bound = 0;

	for (;;) {
		while (__atomic_load_n(&herd->seq, __ATOMIC_ACQUIRE) == seq)
			futex(&herd->seq, FUTEX_WAIT, seq);
		seq = __atomic_load_n(&herd->seq, __ATOMIC_ACQUIRE);
		if (herd->target < 0) {
			if (bound && dev_unbind())
				__atomic_add_fetch(&herd->failed, 1,
						   __ATOMIC_RELAXED);
			_exit(0);
		}
		if (id < herd->target && !bound) {
			if (dev_bind())
				__atomic_add_fetch(&herd->failed, 1,
						   __ATOMIC_RELAXED);
			bound = 1;
		} else if (id >= herd->target && bound) {
			if (dev_unbind())
				__atomic_add_fetch(&herd->failed, 1,
						   __ATOMIC_RELAXED);
			bound = 0;
		}
		if (__atomic_add_fetch(&herd->acked, 1, __ATOMIC_ACQ_REL) ==
		    herd_size)
			futex(&herd->acked, FUTEX_WAKE, 1);
	}
}

static void herd_start(int n)
{
	int i;

	herd = mmap(NULL, sizeof(*herd), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (herd == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	herd_size = n;
	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork: %s", strerror(errno));
		if (!pid)
			herd_member(i);
	}
}

/* Have the first @target members bound, the others not */
static void herd_command(int target)
{
	int acked;

	herd->target = target;
	__atomic_store_n(&herd->acked, 0, __ATOMIC_RELAXED);
	__atomic_add_fetch(&herd->seq, 1, __ATOMIC_RELEASE);
	futex(&herd->seq, FUTEX_WAKE, herd_size);
	if (target < 0)
		return;
	while ((acked = __atomic_load_n(&herd->acked, __ATOMIC_ACQUIRE)) <
	       herd_size)
		futex(&herd->acked, FUTEX_WAIT, acked);
	if (herd->failed)
		die("%d bind or unbind calls of other processes failed",
		    herd->failed);
}

static void herd_stop(void)
{
	int i;

	herd_command(-1);
	for (i = 0; i < herd_size; i++)
		wait(NULL);
	if (herd->failed)
		die("%d unbind calls of other processes failed", herd->failed);
}

#define NR_LEVELS 5
static const int levels[NR_LEVELS] = { 1, 16, 64, 256, 1024 };

/*
 * Throughput with 1, 16, ... 1024 PASIDs bound, the first one this
 * process's; the ratio is 1024 over 1 within each repetition.
 */
static void bench_lookup(struct result *r, struct result *thr, int pasids,
			 size_t n, int reps)
{
	int rep, l;

	herd_start(pasids - 1);
	for (rep = 0; rep < reps; rep++) {
		double first = 0, t = 0;

		for (l = 0; l < NR_LEVELS && levels[l] <= pasids; l++) {
			herd_command(levels[l] - 1);
			t = dev_throughput(n);
			add(&thr[l], t);
			if (!l)
				first = t;
		}
		herd_command(0);
		add(r, t / first);
	}
	herd_stop();
}

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * What the whole guest did over a measurement, from /proc/stat: its busy
 * CPU time, in CPUs (2 when both were busy all along), and its context
 * switches per second.
 */
struct guest_use {
	double cpus;
	double switches;
};

/* The guest's busy CPU time so far, in seconds, and its context switches */
static void guest_counters(double *busy, double *switches)
{
	unsigned long long v[8] = { 0 }, ctxt = 0;
	char line[512];
	FILE *f = fopen("/proc/stat", "r");

	*busy = 0;
	*switches = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "cpu ", 4) &&
		    sscanf(line + 4, "%llu %llu %llu %llu %llu %llu %llu %llu",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
			   &v[7]) == 8)
			/* user nice system idle iowait irq softirq steal */
			*busy = (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) /
				(double)sysconf(_SC_CLK_TCK);
		else if (!strncmp(line, "ctxt ", 5))
			ctxt = strtoull(line + 5, NULL, 10);
	}
	fclose(f);
	*switches = ctxt;
}

enum other { OTHER_CHURN, OTHER_HOG, OTHER_SPIN, OTHER_DUTY, OTHER_CHURN_DEV };

struct other_ctl {
	int running;
	int measure;
	int stop;
	long shared;	/* OTHER_HOG's counter */
	double duty;	/* OTHER_DUTY: share of the CPU to use */
	long count;	/* out: iterations while measured */
	double cpu;	/* out: CPU time while measured, in seconds */
};

/*
 * Another process next to the fault path: one that binds and unbinds on the
 * same device in a loop, or on a device of its own; one that spins
 * incrementing a shared counter with an atomic instruction (the control of
 * earlier versions); one that only spins; or one that uses a given share
 * of a CPU, spinning in slices of 50 us while its CPU time is behind that
 * share of the time since it started, sleeping 100 us otherwise (a fixed
 * duty cycle within each millisecond fell short of its share by two thirds
 * in the guest, as its sleeps overran). It counts its iterations and its
 * CPU time from the moment it is measured.
 */
static void other_run(struct other_ctl *c, enum other kind)
{
	double start = -1, t, wall0 = now(), cpu0 = cpu_now();
	long n = 0, n0 = 0;

	/* A test device of its own: this process's dev_fd only */
	if (kind == OTHER_CHURN_DEV) {
		dev_fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);
		if (dev_fd < 0)
			_exit(1);
	}
	while (!__atomic_load_n(&c->stop, __ATOMIC_RELAXED)) {
		if (start < 0 && __atomic_load_n(&c->measure, __ATOMIC_RELAXED)) {
			start = cpu_now();
			n0 = n;
		}
		switch (kind) {
		case OTHER_CHURN:
		case OTHER_CHURN_DEV:
			if (dev_bind() || dev_unbind())
				_exit(1);
			break;
		case OTHER_HOG:
			__atomic_add_fetch(&c->shared, 1, __ATOMIC_RELAXED);
			break;
		case OTHER_SPIN:
			break;
		case OTHER_DUTY: {
			struct timespec rest = { .tv_nsec = 100000 };

			if (cpu_now() - cpu0 < c->duty * (now() - wall0)) {
				t = now();
				while (now() - t < 0.00005)
					;
			} else {
				nanosleep(&rest, NULL);
			}
			break;
		}
		}
		if (!n++)
			__atomic_store_n(&c->running, 1, __ATOMIC_RELAXED);
	}
	c->count = start < 0 ? 0 : n - n0;
	c->cpu = start < 0 ? 0 : cpu_now() - start;
	_exit(0);
}

/*
 * The measurements next to another process, and their quiet references,
 * last CHURN_SECS each. The share of the CPUs the other process gets, and
 * what it costs the fault path, vary over tenths of a second: windows of a
 * few tenths gave medians that moved by several percent from run to run,
 * as much as the differences the churn ratios are there to show.
 */
#define CHURN_SECS	2.0
/* Repetitions of those measurements at most; -c takes -r as it is */
#define CHURN_REPS	8
static int churn_reps_max = CHURN_REPS;

/*
 * Throughput in chunks of @n pages for CHURN_SECS with @kind running next
 * to it, over @t seconds; the share of those seconds the other process ran
 * in @cpu, its iterations in @count, what the whole guest did meanwhile in
 * @use.
 */
static double with_other(struct other_ctl *c, enum other kind, size_t n,
			 double *t, double *cpu, long *count,
			 struct guest_use *use)
{
	double busy, busy0, busy1, switches0, switches1;
	int status;
	pid_t pid;

	c->running = 0;
	c->measure = 0;
	c->stop = 0;
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid)
		other_run(c, kind);
	/* Measure once it is going */
	wait_started(&c->running, 1, pid);
	__atomic_store_n(&c->measure, 1, __ATOMIC_RELAXED);
	guest_counters(&busy0, &switches0);
	*t = now();
	busy = dev_throughput_for(n, CHURN_SECS);
	*t = now() - *t;
	guest_counters(&busy1, &switches1);
	__atomic_store_n(&c->stop, 1, __ATOMIC_RELAXED);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		die("the other process failed");
	if (cpu)
		*cpu = c->cpu / *t;
	if (count)
		*count = c->count;
	if (use) {
		use->cpus = (busy1 - busy0) / *t;
		use->switches = (switches1 - switches0) / *t;
	}
	return busy;
}

/*
 * Throughput with and without another process of @kind next to the fault
 * path (see other_run()): a spinning one tells the share of the slowdown
 * that is CPU time taken from the fault path rather than contention in it.
 * For the churn, @over_hog gets its throughput over that with a process
 * spinning for the CPU share the churning process had, measured right
 * after it. @cycles, @over_hog, @match, @guest_cpu and @switches may be
 * NULL, and those after @over_hog are left out without it.
 */
static void bench_churn(struct result *r, struct result *cycles,
			struct result *over_hog, struct result *match,
			struct result *guest_cpu, struct result *switches,
			size_t n, int reps, enum other kind)
{
	struct other_ctl *c = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int rep;

	if (c == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	if (reps > churn_reps_max)
		reps = churn_reps_max;
	for (rep = 0; rep < reps; rep++) {
		double quiet, busy, matched, t, cpu, hog_cpu;
		struct guest_use use, hog_use;
		long count;

		quiet = dev_throughput_for(n, CHURN_SECS);
		busy = with_other(c, kind, n, &t, &cpu, &count, &use);
		add(r, busy / quiet);
		if (cycles)
			add(cycles, count / t);
		if (!over_hog)
			continue;
		c->duty = cpu > 1 ? 1 : cpu;
		matched = with_other(c, OTHER_DUTY, n, &t, &hog_cpu, NULL,
				     &hog_use);
		add(over_hog, busy / matched);
		if (match)
			add(match, hog_cpu / cpu);
		if (guest_cpu && hog_use.cpus > 0 && hog_use.switches > 0) {
			add(guest_cpu, use.cpus / hog_use.cpus);
			add(switches, use.switches / hog_use.switches);
		}
	}
	munmap(c, page_size);
}

#define NR_SCALE 5
static const int scale_levels[NR_SCALE] = { 1, 4, 16, 64, 256 };

enum scale_mode { SCALE_THREADS, SCALE_PROCS, SCALE_DEVS, NR_SCALE_MODES };

static const char *const scale_modes[NR_SCALE_MODES] = {
	"threads", "procs", "devs",
};

/* Pages per measurement, shared among the submitters */
#define SCALE_PAGES	4096
/* Requests per submission: 256 submitters share 512 group indexes */
#define SCALE_BATCH	2
#define SCALE_MAX_LAT	4096

struct scale_ctl {
	int go;
	int ready;
	int done;
	int failed;
	int nlat;
	long overdue;
	long long end_ns;	/* when the last submitter got its last answer */
	float lat[SCALE_MAX_LAT];
};

static struct scale_ctl *sc;

/* Counter @name of the IOPF queue for the device open as @fd, or 0 */
static long dev_queue_stat(int fd, const char *name)
{
	struct iopf_test_stats st = { .size = sizeof(st) };
	char path[64], key[32];
	long val, ret = 0;
	FILE *f;

	if (ioctl(fd, IOPF_TEST_IOC_STATS, &st))
		return 0;
	snprintf(path, sizeof(path),
		 "/sys/kernel/debug/iommu/iopf/iopf-test%u", st.id);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fscanf(f, "%31s %ld", key, &val) == 2)
		if (!strcmp(key, name))
			ret = val;
	fclose(f);
	return ret;
}

/* The watchdog's count of overdue groups of the device open as @fd */
static long dev_overdue(int fd)
{
	return dev_queue_stat(fd, "overdue");
}

/*
 * The measurement ends with the last answer any submitter gets. What the
 * submitters do afterwards (unmap, unbind, close a device, exit) is not
 * part of the fault path, and those done early would do it next to the
 * others still submitting: each waits here until all are done.
 */
static void scale_done(int nsub)
{
	long long t = now() * 1e9,
		  end = __atomic_load_n(&sc->end_ns, __ATOMIC_RELAXED);

	while (t > end &&
	       !__atomic_compare_exchange_n(&sc->end_ns, &end, t, 0,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	if (__atomic_add_fetch(&sc->done, 1, __ATOMIC_ACQ_REL) == nsub) {
		futex(&sc->done, FUTEX_WAKE, INT32_MAX);
		return;
	}
	for (;;) {
		int done = __atomic_load_n(&sc->done, __ATOMIC_ACQUIRE);

		if (done >= nsub)
			break;
		futex(&sc->done, FUTEX_WAIT, done);
	}
}

/* Submitter @id of @nsub: its share of the pages, two per submission */
static void scale_submit(int id, int nsub, int fd)
{
	size_t n = SCALE_PAGES / nsub, done, i;
	struct iopf_test_req r[SCALE_BATCH];
	struct iopf_test_submit sub = {
		.size = sizeof(sub),
		.flags = IOPF_TEST_SUBMIT_NO_ACCESS,
		.timeout_ms = TIMEOUT_MS,
		.reqs = (uintptr_t)r,
		.nr_reqs = SCALE_BATCH,
	};
	char *mem = map_fresh(MEM_ANON, n);
	int k;

	__atomic_add_fetch(&sc->ready, 1, __ATOMIC_ACQ_REL);
	while (!__atomic_load_n(&sc->go, __ATOMIC_ACQUIRE))
		futex(&sc->go, FUTEX_WAIT, 0);
	for (done = 0; done < n; done += SCALE_BATCH) {
		double t;

		for (i = 0; i < SCALE_BATCH; i++)
			r[i] = (struct iopf_test_req) {
				.addr = (uintptr_t)mem + (done + i) * page_size,
				.perm = IOPF_TEST_PERM_WRITE,
				.grpid = id * SCALE_BATCH + i,
				.flags = IOPF_TEST_REQ_LAST,
			};
		t = now();
		if (ioctl(fd, IOPF_TEST_IOC_SUBMIT, &sub))
			goto fail;
		t = now() - t;
		for (i = 0; i < SCALE_BATCH; i++)
			if (r[i].resp != IOPF_TEST_RESP_SUCCESS)
				goto fail;
		k = __atomic_fetch_add(&sc->nlat, 1, __ATOMIC_RELAXED);
		if (k < SCALE_MAX_LAT)
			sc->lat[k] = t * 1e6;
	}
	scale_done(nsub);
	munmap(mem, n * page_size);
	return;
fail:
	__atomic_add_fetch(&sc->failed, 1, __ATOMIC_RELAXED);
	scale_done(nsub);
	munmap(mem, n * page_size);
}

static void *scale_thread(void *arg)
{
	scale_submit((int)(uintptr_t)arg >> 16, (int)(uintptr_t)arg & 0xffff,
		     dev_fd);
	return NULL;
}

static void scale_proc(int id, int nsub, enum scale_mode mode)
{
	struct iopf_test_bind bind = { .size = sizeof(bind) };
	int fd = dev_fd;

	if (mode == SCALE_DEVS) {
		fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);
		if (fd < 0 || ioctl(fd, IOPF_TEST_IOC_BIND, &bind))
			_exit(1);
	} else if (dev_bind()) {
		_exit(1);
	}
	scale_submit(mode == SCALE_DEVS ? 0 : id, nsub, fd);
	if (mode == SCALE_DEVS) {
		__atomic_add_fetch(&sc->overdue, dev_overdue(fd),
				   __ATOMIC_RELAXED);
		close(fd);
	} else if (dev_unbind()) {
		_exit(1);
	}
	_exit(0);
}

/*
 * One measurement: @nsub submitters fault SCALE_PAGES pages between them;
 * the aggregate pages per second, and the p99 of their round trips in @p99.
 */
static double scale_once(enum scale_mode mode, int nsub, double *p99,
			 struct result *lat)
{
	pthread_t *th = calloc(nsub, sizeof(*th));
	double t;
	int i, status;
	pid_t pid;

	memset(sc, 0, sizeof(*sc));
	for (i = 0; i < nsub; i++) {
		if (mode == SCALE_THREADS) {
			if (pthread_create(&th[i], NULL, scale_thread,
					   (void *)(uintptr_t)(i << 16 | nsub)))
				die("pthread_create: %s", strerror(errno));
			continue;
		}
		pid = fork();
		if (pid < 0)
			die("fork: %s", strerror(errno));
		if (!pid)
			scale_proc(i, nsub, mode);
	}
	wait_started(&sc->ready, nsub, mode == SCALE_THREADS ? 0 : -1);
	t = now();
	__atomic_store_n(&sc->go, 1, __ATOMIC_RELEASE);
	futex(&sc->go, FUTEX_WAKE, INT32_MAX);
	for (i = 0; i < nsub; i++) {
		if (mode == SCALE_THREADS) {
			pthread_join(th[i], NULL);
		} else if (wait(&status) < 0 || !WIFEXITED(status) ||
			   WEXITSTATUS(status)) {
			die("a submitting process failed");
		}
	}
	t = sc->end_ns / 1e9 - t;
	free(th);
	if (sc->failed)
		die("%d submitters were not answered SUCCESS", sc->failed);
	{
		int nl = sc->nlat < SCALE_MAX_LAT ? sc->nlat : SCALE_MAX_LAT;
		double *v = malloc(nl * sizeof(*v));

		for (i = 0; i < nl; i++) {
			v[i] = sc->lat[i];
			if (lat)
				add(lat, v[i]);
		}
		*p99 = quantile(v, nl, 0.99);
		free(v);
	}
	return SCALE_PAGES / t;
}

/*
 * Control for the scale figures, with no IOMMU involved: @nsub clients,
 * threads of this process or processes of their own, make PP_TRIPS round
 * trips in all to one server thread of this process, through pipes; each
 * round trip wakes the server, which wakes the client, as a submission
 * wakes a worker of the IOPF queue, which wakes the submitter. Returns
 * round trips per second.
 */
#define PP_TRIPS	SCALE_PAGES

static int pp_req[2];
static int (*pp_resp)[2];

static void *pp_server(void *arg)
{
	uint32_t id;

	while (read(pp_req[0], &id, sizeof(id)) == sizeof(id) &&
	       id != UINT32_MAX)
		if (write(pp_resp[id][1], "", 1) != 1)
			break;
	return NULL;
}

/* A client of clients_run(): ready, then wait for the others */
static void client_start(void)
{
	__atomic_add_fetch(&sc->ready, 1, __ATOMIC_ACQ_REL);
	while (!__atomic_load_n(&sc->go, __ATOMIC_ACQUIRE))
		futex(&sc->go, FUTEX_WAIT, 0);
}

static void pp_client(uint32_t id, int nsub)
{
	int n = PP_TRIPS / nsub;
	char c;

	client_start();
	while (n--)
		if (write(pp_req[1], &id, sizeof(id)) != sizeof(id) ||
		    read(pp_resp[id][0], &c, 1) != 1)
			break;
	scale_done(nsub);
	if (n >= 0)
		die("ping-pong client %u", id);
}

static void (*client_fn)(uint32_t id, int nsub);

static void *client_thread(void *arg)
{
	uintptr_t v = (uintptr_t)arg;

	client_fn(v >> 16, v & 0xffff);
	return NULL;
}

/*
 * Runs @fn in @nsub clients, threads of this process or processes of their
 * own, from when all are ready to the last one's end (scale_done()), as
 * for the IOPF figures; returns that time.
 */
static double clients_run(int procs, int nsub,
			  void (*fn)(uint32_t id, int nsub))
{
	pthread_t *th = calloc(nsub, sizeof(*th));
	int i, status;
	pid_t pid;
	double t;

	if (!th)
		die("calloc");
	memset(sc, 0, sizeof(*sc));
	client_fn = fn;
	for (i = 0; i < nsub; i++) {
		if (!procs) {
			if (pthread_create(&th[i], NULL, client_thread,
					   (void *)(uintptr_t)(i << 16 | nsub)))
				die("pthread_create: %s", strerror(errno));
			continue;
		}
		pid = fork();
		if (pid < 0)
			die("fork: %s", strerror(errno));
		if (!pid) {
			fn(i, nsub);
			_exit(0);
		}
	}
	wait_started(&sc->ready, nsub, procs ? -1 : 0);
	t = now();
	__atomic_store_n(&sc->go, 1, __ATOMIC_RELEASE);
	futex(&sc->go, FUTEX_WAKE, INT32_MAX);
	for (i = 0; i < nsub; i++) {
		if (!procs)
			pthread_join(th[i], NULL);
		else if (wait(&status) < 0 || !WIFEXITED(status) ||
			 WEXITSTATUS(status))
			die("a client process failed");
	}
	free(th);
	return sc->end_ns / 1e9 - t;
}

static double pingpong_once(int procs, int nsub)
{
	uint32_t stop = UINT32_MAX;
	pthread_t server;
	double t;
	int i;

	pp_resp = calloc(nsub, sizeof(*pp_resp));
	if (!pp_resp || pipe(pp_req))
		die("ping-pong set-up: %s", strerror(errno));
	for (i = 0; i < nsub; i++)
		if (pipe(pp_resp[i]))
			die("pipe: %s", strerror(errno));
	if (pthread_create(&server, NULL, pp_server, NULL))
		die("pthread_create");
	t = clients_run(procs, nsub, pp_client);
	if (write(pp_req[1], &stop, sizeof(stop)) != sizeof(stop))
		die("ping-pong stop");
	pthread_join(server, NULL);
	for (i = 0; i < nsub; i++) {
		close(pp_resp[i][0]);
		close(pp_resp[i][1]);
	}
	close(pp_req[0]);
	close(pp_req[1]);
	free(pp_resp);
	return PP_TRIPS / t;
}

/*
 * Control for the scale figures on one CPU, with the CPU's own faults and
 * no IOMMU: each client writes two fresh pages of its own and yields the
 * CPU, PP_TRIPS times among all clients, as a submitter has two pages
 * faulted and sleeps until they are. Clients that are processes make the
 * guest switch address spaces at each yield, as submitters that are
 * processes do at each answer. Returns rounds per second.
 */
static void yield_client(uint32_t id, int nsub)
{
	size_t n = PP_TRIPS / nsub, i;
	char *mem = map_fresh(MEM_ANON, 2 * n);

	client_start();
	for (i = 0; i < 2 * n; i += 2) {
		mem[i * page_size] = 1;
		mem[(i + 1) * page_size] = 1;
		sched_yield();
	}
	scale_done(nsub);
	munmap(mem, 2 * n * page_size);
}

/* pingpong_256_over_1_{threads,procs}, within each repetition */
static void bench_pingpong(struct result over[2], int reps)
{
	int rep, procs;

	sc = mmap(NULL, sizeof(*sc), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sc == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	for (rep = 0; rep < reps; rep++)
		for (procs = 0; procs < 2; procs++)
			add(&over[procs], pingpong_once(procs, 256) /
					  pingpong_once(procs, 1));
	munmap(sc, sizeof(*sc));
}

/*
 * Aggregate throughput and round-trip p99 with 1 to 256 concurrent
 * submitters, for each mode; ratios of 256 over 1 within each repetition.
 */
static void bench_scale(struct result thr[][NR_SCALE],
			struct result over[], struct result p99[],
			struct result lat256[], long *overdue, int reps)
{
	int rep, m, l;

	sc = mmap(NULL, sizeof(*sc), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sc == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	*overdue = -dev_overdue(dev_fd);
	for (rep = 0; rep < reps; rep++) {
		for (m = 0; m < NR_SCALE_MODES; m++) {
			double first = 0, first99 = 0, t = 0, q = 0;

			for (l = 0; l < NR_SCALE; l++) {
				t = scale_once(m, scale_levels[l], &q,
					       l == NR_SCALE - 1 ? &lat256[m] :
								   NULL);
				add(&thr[m][l], t);
				*overdue += sc->overdue;
				if (!l) {
					first = t;
					first99 = q;
				}
			}
			add(&over[m], t / first);
			add(&p99[m], q / first99);
		}
	}
	*overdue += dev_overdue(dev_fd);
	munmap(sc, sizeof(*sc));
}

static int write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC), ret = 0;

	if (fd < 0) {
		fprintf(stderr, "iopf_bench: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	if (ret)
		fprintf(stderr, "iopf_bench: %s: %s\n", path, strerror(-ret));
	return ret;
}

/*
 * Where the fault's worker runs relative to the submitter decides, in the
 * TCG guest, between two round-trip times (see bench_placement()). The
 * latency figures are therefore taken with this thread pinned to CPU 0
 * and the workers of unbound workqueues, the IOPF queue's among them,
 * allowed on one CPU only: pin(0) keeps both on CPU 0, pin(1) puts the
 * workers on the other CPU. unpin() restores both.
 */
#define WQ_CPUMASK "/sys/devices/virtual/workqueue/cpumask"

static char wq_mask_saved[64];
static cpu_set_t affinity_saved;

static int pin(int wq_cpu)
{
	char mask[16];
	cpu_set_t set;
	ssize_t len;
	int fd;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return -1;
	fd = open(WQ_CPUMASK, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	len = read(fd, wq_mask_saved, sizeof(wq_mask_saved) - 1);
	close(fd);
	if (len <= 0)
		return -1;
	wq_mask_saved[len] = 0;
	if (sched_getaffinity(0, sizeof(affinity_saved), &affinity_saved))
		return -1;
	snprintf(mask, sizeof(mask), "%x", 1U << wq_cpu);
	if (write_str(WQ_CPUMASK, mask))
		return -1;
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		write_str(WQ_CPUMASK, wq_mask_saved);
		return -1;
	}
	return 0;
}

static void unpin(void)
{
	sched_setaffinity(0, sizeof(affinity_saved), &affinity_saved);
	if (write_str(WQ_CPUMASK, wq_mask_saved))
		die("cannot restore " WQ_CPUMASK);
}

/*
 * scale_256_over_1_<mode>_1cpu: the scale ratios with the submitters and
 * the IOPF queue's workers all on CPU 0, and cpufault_256_over_1_*_1cpu,
 * their control with the CPU's own faults (yield_client()). One submitter's
 * throughput is bound by its round trips, whose length depends on where
 * the scheduler puts the worker (see bench_placement()): on two CPUs the
 * ratios over one submitter inherit that. On one CPU there is one
 * placement, and the ratio tells whether the cost per fault grows with
 * the number of submitters. Nothing is measured if the guest cannot pin.
 */
static void bench_scale_1cpu(struct result scale[], struct result cpu[],
			     long *overdue, int reps)
{
	int rep, m;
	double q, one;

	sc = mmap(NULL, sizeof(*sc), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sc == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	*overdue -= dev_overdue(dev_fd);
	if (!pin(0)) {
		for (rep = 0; rep < reps; rep++) {
			for (m = 0; m < NR_SCALE_MODES; m++) {
				one = scale_once(m, 1, &q, NULL);
				*overdue += sc->overdue;
				add(&scale[m],
				    scale_once(m, 256, &q, NULL) / one);
				*overdue += sc->overdue;
			}
			for (m = 0; m < 2; m++)
				add(&cpu[m],
				    clients_run(m, 1, yield_client) /
				    clients_run(m, 256, yield_client));
		}
		unpin();
	}
	*overdue += dev_overdue(dev_fd);
	munmap(sc, sizeof(*sc));
}

/*
 * Round trips of one-group submissions, in microseconds, with this thread
 * and the IOPF queue's workers on CPU 0 if @pinned and the guest allows
 * it; returns whether they were pinned.
 */
static int bench_latency(struct result *lat, size_t n, int pinned)
{
	char *mem = map_fresh(MEM_ANON, n);
	size_t i;

	if (pinned)
		pinned = !pin(0);
	for (i = 0; i < n; i++) {
		double t = now();

		dev_fault(mem + i * page_size, 1, IOPF_TEST_SUBMIT_NO_ACCESS);
		add(lat, (now() - t) * 1e6);
	}
	if (pinned)
		unpin();
	munmap(mem, n * page_size);
	return pinned;
}

/* One-page round trips per latency measurement */
#define LAT_SAMPLES	1024

/*
 * p99 of LAT_SAMPLES one-page round trips on fresh pages, in us; their
 * p50 in @p50 if not NULL
 */
static double one_page_latency(double *p50)
{
	char *mem = map_fresh(MEM_ANON, LAT_SAMPLES);
	double v[LAT_SAMPLES], t;
	size_t i;

	for (i = 0; i < LAT_SAMPLES; i++) {
		t = now();
		dev_fault(mem + i * page_size, 1, IOPF_TEST_SUBMIT_NO_ACCESS);
		v[i] = (now() - t) * 1e6;
	}
	munmap(mem, LAT_SAMPLES * page_size);
	if (p50)
		*p50 = quantile(v, LAT_SAMPLES, 0.5);
	return quantile(v, LAT_SAMPLES, 0.99);
}

static int placement_latency(int wq_cpu, double *p50, double *p99)
{
	if (pin(wq_cpu))
		return -1;
	*p99 = one_page_latency(p50);
	unpin();
	return 0;
}

/*
 * latency_cross_over_same_cpu: p50 of one-page round trips with the worker
 * kept on the other CPU than the submitter, over the p50 with both on one
 * CPU, within each repetition; the p50s and p99s themselves for reference.
 */
static void bench_placement(struct result *over, struct result abs[4],
			    int reps)
{
	double same50, same99, cross50, cross99;
	int i;

	for (i = 0; i < reps; i++) {
		if (placement_latency(0, &same50, &same99) ||
		    placement_latency(1, &cross50, &cross99))
			return;
		add(over, cross50 / same50);
		add(&abs[0], same50);
		add(&abs[1], same99);
		add(&abs[2], cross50);
		add(&abs[3], cross99);
	}
}

static const char *const kva_ops[IOPF_TEST_KVA_NR] = {
	[IOPF_TEST_KVA_VMAP_4K] = "vmap_4k",
	[IOPF_TEST_KVA_VMALLOC_HUGE] = "vmalloc_huge",
	[IOPF_TEST_KVA_IOREMAP_4K] = "ioremap_4k",
	[IOPF_TEST_KVA_IOREMAP_HUGE] = "flush",
};

#define NR_KVA_BONDS 3
static const int kva_bonds[NR_KVA_BONDS] = { 0, 1, 1024 };
#define KVA_ITERS 256

/* Microseconds per iteration of @op; the invalidations per iteration */
static double kva_time(int op, double *inv)
{
	struct iopf_test_kva kva = {
		.size = sizeof(kva), .op = op, .iters = KVA_ITERS,
	};

	if (ioctl(dev_fd, IOPF_TEST_IOC_KVA, &kva))
		die("kva %s: %s", kva_ops[op], strerror(errno));
	*inv = (double)kva.invalidations / KVA_ITERS;
	return kva.ns / 1e3 / KVA_ITERS;
}

/*
 * Each kernel address space operation with 0, 1 and 1024 other processes
 * bound, this one unbound; ratios to none bound within each repetition.
 * The page-table frees must reach the test IOMMU once per bound address
 * space, and nothing must reach it with none bound.
 */
static void bench_kva(struct result ratio[][NR_KVA_BONDS],
		      struct result *flush_us, int reps)
{
	int rep, b, op;
	double t0[IOPF_TEST_KVA_NR], t, inv;

	if (dev_unbind())
		die("unbind: %s", strerror(errno));
	herd_start(kva_bonds[NR_KVA_BONDS - 1]);
	for (rep = 0; rep < reps; rep++) {
		for (b = 0; b < NR_KVA_BONDS; b++) {
			herd_command(kva_bonds[b]);
			for (op = 0; op < IOPF_TEST_KVA_NR; op++) {
				t = kva_time(op, &inv);
				if (!b)
					t0[op] = t;
				else
					add(&ratio[op][b], t / t0[op]);
				if (op != IOPF_TEST_KVA_IOREMAP_HUGE)
					continue;
				if (!b)
					add(flush_us, t);
				if (inv < kva_bonds[b] ||
				    (!kva_bonds[b] && inv))
					die("%.1f invalidations per page-table free with %d bound",
					    inv, kva_bonds[b]);
			}
		}
	}
	herd_stop();
	if (dev_bind())
		die("bind: %s", strerror(errno));
}

/*
 * The modes of a result's samples: split the sorted samples at their widest
 * gap (as a ratio of neighbours) when it is over MODE_GAP and leaves at
 * least two samples on each side; 0 if one mode, else the index of the
 * first sample of the upper mode in @s, the sorted samples.
 */
#define MODE_GAP	1.5

static int mode_split(const struct result *r, double *s)
{
	double gap = MODE_GAP;
	int i, split = 0;

	memcpy(s, r->v, r->n * sizeof(*s));
	qsort(s, r->n, sizeof(*s), cmp_double);
	for (i = 2; r->n >= 5 && i <= r->n - 2; i++)
		if (s[i - 1] > 0 && s[i] / s[i - 1] > gap) {
			gap = s[i] / s[i - 1];
			split = i;
		}
	return split;
}

/* {"fraction": f, "median": m} for each mode of @r */
static void json_modes(FILE *f, const struct result *r)
{
	double *s = malloc((r->n + 1) * sizeof(*s));
	int split, lo, hi;

	if (!s)
		die("out of memory");
	split = r->n ? mode_split(r, s) : 0;
	for (lo = 0; lo < r->n; lo = hi) {
		hi = lo < split ? split : r->n;
		fprintf(f, "%s{\"fraction\": %.3f, \"median\": %.4f}",
			lo ? ", " : "", (double)(hi - lo) / r->n,
			s[lo + (hi - lo) / 2]);
	}
	free(s);
}

static void print_row(FILE *f, const struct result *r)
{
	double *s;
	int split;

	fprintf(f, "  %-36s %10.3f %10.3f %10.3f  %s\n", r->key,
		quantile(r->v, r->n, 0.5), quantile(r->v, r->n, 0),
		quantile(r->v, r->n, 1), r->what);
	s = malloc((r->n + 1) * sizeof(*s));
	if (!s)
		die("out of memory");
	split = r->n ? mode_split(r, s) : 0;
	if (split)
		fprintf(f, "  %-36s two modes: %.0f%% near %.3f, %.0f%% near %.3f\n",
			"", 100.0 * split / r->n, s[split / 2],
			100.0 * (r->n - split) / r->n,
			s[split + (r->n - split) / 2]);
	free(s);
}

static void json_result(FILE *f, const struct result *r, const char *sep)
{
	int i;

	fprintf(f, "  \"%s\": {\"what\": \"%s\", ", r->key, r->what);
	fprintf(f, "\"median\": %.4f, \"min\": %.4f, \"max\": %.4f, ",
		quantile(r->v, r->n, 0.5), quantile(r->v, r->n, 0),
		quantile(r->v, r->n, 1));
	fprintf(f, "\"modes\": [");
	json_modes(f, r);
	fprintf(f, "], \"samples\": [");
	for (i = 0; i < r->n; i++)
		fprintf(f, "%s%.4f", i ? ", " : "", r->v[i]);
	fprintf(f, "]}%s\n", sep);
}

/*
 * The @nr results of -c: as a table on stdout and, if @json is not NULL,
 * as a JSON file of the same form as the whole benchmark's
 */
static void print_only(const char *json, size_t n, int reps, int pasids,
		       struct result *const *r, int nr)
{
	FILE *f;
	int i;

	printf("\n  %-36s %10s %10s %10s\n", "ratio", "median", "min", "max");
	for (i = 0; i < nr; i++)
		print_row(stdout, r[i]);
	if (!json)
		return;
	f = fopen(json, "w");
	if (!f)
		die("%s: %s", json, strerror(errno));
	fprintf(f, "{\n  \"pages\": %zu, \"repetitions\": %d, \"pasids\": %d,\n",
		n, reps, pasids);
	for (i = 0; i < nr; i++)
		json_result(f, r[i], i < nr - 1 ? "," : "");
	fprintf(f, "}\n");
	fclose(f);
}

static void print_usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-n pages] [-r repetitions] [-p pasids] [-o json] [-a | -c]\n"
		"  -n  pages per measurement (default 4096)\n"
		"  -r  repetitions of each ratio (default 11)\n"
		"  -p  PASIDs bound for the lookup ratio (default 1024)\n"
		"  -o  write the results as JSON to this file\n"
		"  -a  anonymous memory ratio only (for profiling)\n"
		"  -c  churn ratios only, -r repetitions of each\n", prog);
	exit(2);
}

int main(int argc, char **argv)
{
	static struct result anon = {
		.key = "iopf_over_cpu_per_page",
		.what = "anonymous: device time per page / CPU time per page, one CPU",
	};
	static struct result anon_2cpu = {
		.key = "iopf_over_cpu_per_page_2cpu",
		.what = "the same, submitter and workers where the scheduler puts them (reference)",
	};
	int one_cpu;
	static struct result file = {
		.key = "iopf_over_cpu_per_page_file",
		.what = "shmem file: device time per page / CPU time per page",
	};
	static struct result access = {
		.key = "iopf_with_access_over_cpu_per_page",
		.what = "anonymous, device also retries its write (reference)",
	};
	static struct result lookup = {
		.key = "lookup_1024_over_1",
		.what = "device faults/s with 1024 PASIDs bound / with 1",
	};
	static struct result churn = {
		.key = "churn_over_quiet",
		.what = "device faults/s during bind/unbind churn / without",
	};
	static struct result dev_us = {
		.key = "dev_us_per_page",
		.what = "device fault, us per page (reference)",
	};
	static struct result cpu_us = {
		.key = "cpu_us_per_page",
		.what = "CPU fault, us per page (reference)",
	};
	static struct result lat = {
		.key = "latency_us",
		.what = "one-group round trip, us, submitter and workers on CPU 0 (reference)",
	};
	static struct result lat_free = {
		.key = "latency_unpinned_us",
		.what = "one-group round trip, us, where the scheduler puts them (reference)",
	};
	int lat_pinned;
	static struct result cycles = {
		.key = "churn_cycles_per_second",
		.what = "bind+unbind pairs/s (reference)",
	};
	static struct result hog = {
		.key = "cpu_hog_over_quiet",
		.what = "device faults/s next to a process spinning on an atomic counter / without",
	};
	static struct result thr[NR_LEVELS];
	static struct result kva[IOPF_TEST_KVA_NR][NR_KVA_BONDS];
	static struct result spin = {
		.key = "cpu_spin_over_quiet",
		.what = "device faults/s next to a process spinning without atomics / without",
	};
	static struct result hog_match = {
		.key = "hog_cpu_over_churn_cpu",
		.what = "CPU share of the matched hog / of the churning process (reference)",
	};
	static struct result churn_hog = {
		.key = "churn_over_hog",
		.what = "device faults/s during churn / next to a process using its CPU time",
	};
	static struct result churn_guest_cpu = {
		.key = "churn_guest_cpu_over_hog",
		.what = "guest CPU time during churn / next to the matched process (reference)",
	};
	static struct result churn_switches = {
		.key = "churn_switches_over_hog",
		.what = "context switches/s during churn / next to the matched process (reference)",
	};
	static struct result churn_dev = {
		.key = "churn_other_dev_over_quiet",
		.what = "device faults/s during churn on another device / without (reference)",
	};
	static struct result churn_dev_hog = {
		.key = "churn_other_dev_over_hog",
		.what = "the same / next to a process using its CPU time (reference)",
	};
	static struct result scale_thr[NR_SCALE_MODES][NR_SCALE];
	static struct result scale_over[NR_SCALE_MODES];
	static struct result scale_over_1cpu[NR_SCALE_MODES];
	static struct result scale_p99[NR_SCALE_MODES];
	static struct result scale_lat[NR_SCALE_MODES];
	static struct result pingpong[2] = {
		{ .key = "pingpong_256_over_1_threads",
		  .what = "control: pipe round trips/s to one thread, 256 client threads / 1" },
		{ .key = "pingpong_256_over_1_procs",
		  .what = "control: pipe round trips/s to one thread, 256 client processes / 1" },
	};
	static struct result cpufault_1cpu[2] = {
		{ .key = "cpufault_256_over_1_threads_1cpu",
		  .what = "control: CPU faults, 2 pages then yield, 256 threads / 1, one CPU" },
		{ .key = "cpufault_256_over_1_procs_1cpu",
		  .what = "control: CPU faults, 2 pages then yield, 256 processes / 1, one CPU" },
	};
	static struct result placement = {
		.key = "latency_cross_over_same_cpu",
		.what = "one-page round trip p50, worker on the other CPU / on the submitter's",
	};
	static struct result placement_abs[4] = {
		{ .key = "latency_same_cpu_p50_us",
		  .what = "one-page round trip p50, worker on the submitter's CPU" },
		{ .key = "latency_same_cpu_p99_us",
		  .what = "one-page round trip p99, worker on the submitter's CPU" },
		{ .key = "latency_cross_cpu_p50_us",
		  .what = "one-page round trip p50, worker on the other CPU" },
		{ .key = "latency_cross_cpu_p99_us",
		  .what = "one-page round trip p99, worker on the other CPU" },
	};
	long scale_overdue = 0;
	int m;
	static struct result flush_us = {
		.key = "kva_flush_us_0",
		.what = "us per 2 MiB ioremap freeing a page table, none bound",
	};
	size_t n = 4096;
	int op, b, i;
	int reps = 11, pasids = 1024, anon_only = 0, churn_only = 0, opt, l;
	const char *json = NULL;
	char *warm;
	FILE *f;

	while ((opt = getopt(argc, argv, "n:r:p:o:ac")) != -1) {
		switch (opt) {
		case 'n':
			n = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			reps = atoi(optarg);
			break;
		case 'p':
			pasids = atoi(optarg);
			break;
		case 'o':
			json = optarg;
			break;
		case 'a':
			anon_only = 1;
			break;
		case 'c':
			churn_only = 1;
			break;
		default:
			print_usage(argv[0]);
		}
	}
	if (!n || reps < 1 || pasids < 1 ||
	    pasids > levels[NR_LEVELS - 1] || (anon_only && churn_only))
		print_usage(argv[0]);
	if (churn_only)
		churn_reps_max = reps;

	page_size = sysconf(_SC_PAGESIZE);
	dev_fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);
	if (dev_fd < 0)
		die(DEV_PATH ": %s", strerror(errno));
	if (ioctl(dev_fd, IOPF_TEST_IOC_VERSION) < 6)
		die("device API version 6 or later needed");
	if (dev_bind())
		die("bind: %s", strerror(errno));

	for (l = 0; l < NR_LEVELS; l++) {
		static char keys[NR_LEVELS][32];

		snprintf(keys[l], sizeof(keys[l]), "faults_per_second_%d",
			 levels[l]);
		thr[l].key = keys[l];
		thr[l].what = "device faults/s with this many PASIDs bound";
	}
	for (m = 0; m < NR_SCALE_MODES; m++) {
		static char keys[NR_SCALE_MODES][4 + NR_SCALE][40];

		snprintf(keys[m][0], 40, "scale_256_over_1_%s", scale_modes[m]);
		scale_over[m].key = keys[m][0];
		scale_over[m].what = "faults/s, 256 submitters / 1";
		snprintf(keys[m][1], 40, "p99_256_over_1_%s", scale_modes[m]);
		scale_p99[m].key = keys[m][1];
		scale_p99[m].what = "submission round trip p99, 256 submitters / 1";
		snprintf(keys[m][2], 40, "scale_latency_us_256_%s",
			 scale_modes[m]);
		scale_lat[m].key = keys[m][2];
		scale_lat[m].what = "round trips of 2-request submissions, 256 submitters";
		for (l = 0; l < NR_SCALE; l++) {
			snprintf(keys[m][3 + l], 40, "scale_%s_faults_per_second_%d",
				 scale_modes[m], scale_levels[l]);
			scale_thr[m][l].key = keys[m][3 + l];
			scale_thr[m][l].what = "aggregate faults/s with this many submitters";
		}
		snprintf(keys[m][3 + NR_SCALE], 40, "scale_256_over_1_%s_1cpu",
			 scale_modes[m]);
		scale_over_1cpu[m].key = keys[m][3 + NR_SCALE];
		scale_over_1cpu[m].what = "the same, submitters and workers on one CPU";
	}
	for (op = 0; op < IOPF_TEST_KVA_NR; op++) {
		for (b = 1; b < NR_KVA_BONDS; b++) {
			static char keys[IOPF_TEST_KVA_NR][NR_KVA_BONDS][48];

			snprintf(keys[op][b], sizeof(keys[op][b]),
				 "kva_%s_%d_over_0", kva_ops[op], kva_bonds[b]);
			kva[op][b].key = keys[op][b];
			kva[op][b].what = op == IOPF_TEST_KVA_IOREMAP_HUGE ?
				"page-table free, this many bound / none" :
				"kernel map+unmap, this many bound / none";
		}
	}

	printf("iopf_bench: %zu pages per measurement, %d repetitions, %d PASIDs\n",
	       n, reps, pasids);
	/*
	 * Warm up: the page allocator, the workqueue, the caches, and the
	 * guest memory itself, which a virtual machine may back with host
	 * memory only at its first touch
	 */
	warm = map_fresh(MEM_ANON, 16 * n);
	cpu_fault(warm, 16 * n);
	munmap(warm, 16 * n * page_size);
	dev_throughput(n);
	if (churn_only) {
		struct result *const r[] = {
			&churn, &churn_hog, &churn_dev, &churn_dev_hog,
			&cycles, &hog_match, &churn_guest_cpu, &churn_switches,
		};

		bench_churn(&churn, &cycles, &churn_hog, &hog_match,
			    &churn_guest_cpu, &churn_switches, n, reps,
			    OTHER_CHURN);
		bench_churn(&churn_dev, NULL, &churn_dev_hog, NULL, NULL, NULL,
			    n, reps, OTHER_CHURN_DEV);
		print_only(json, n, reps, pasids, r, ARRAY_SIZE(r));
		close(dev_fd);
		return 0;
	}
	/*
	 * The per-page figures run on CPU 0 alone, the submitter, the IOPF
	 * queue's workers and the CPU's faults: on two vCPUs the device path
	 * runs on both while the CPU's faults run on one, and the host slowing
	 * either vCPU down (a busy loop on one host CPU made the device path
	 * four times slower, the CPU's faults not) decided the figure.
	 */
	one_cpu = !pin(0);
	bench_per_page(&anon, &dev_us, &cpu_us, MEM_ANON, n, reps,
		       IOPF_TEST_SUBMIT_NO_ACCESS);
	if (!anon_only) {
		bench_per_page(&file, NULL, NULL, MEM_FILE, n, reps,
			       IOPF_TEST_SUBMIT_NO_ACCESS);
		bench_per_page(&access, NULL, NULL, MEM_ANON, n, reps, 0);
	}
	if (one_cpu)
		unpin();
	if (anon_only) {
		print_row(stdout, &anon);
		print_row(stdout, &dev_us);
		print_row(stdout, &cpu_us);
		return 0;
	}
	bench_per_page(&anon_2cpu, NULL, NULL, MEM_ANON, n, reps,
		       IOPF_TEST_SUBMIT_NO_ACCESS);
	bench_lookup(&lookup, thr, pasids, n, reps);
	bench_churn(&churn, &cycles, &churn_hog, &hog_match, &churn_guest_cpu,
		    &churn_switches, n, reps, OTHER_CHURN);
	bench_churn(&churn_dev, NULL, &churn_dev_hog, NULL, NULL, NULL, n, reps,
		    OTHER_CHURN_DEV);
	bench_churn(&hog, NULL, NULL, NULL, NULL, NULL, n, reps, OTHER_HOG);
	bench_churn(&spin, NULL, NULL, NULL, NULL, NULL, n, reps, OTHER_SPIN);
	bench_scale(scale_thr, scale_over, scale_p99, scale_lat, &scale_overdue,
		    reps > 3 ? reps / 3 : reps);
	bench_scale_1cpu(scale_over_1cpu, cpufault_1cpu, &scale_overdue,
			 reps > 3 ? reps / 3 : reps);
	bench_pingpong(pingpong, reps > 3 ? reps / 3 : reps);
	bench_placement(&placement, placement_abs, reps > 3 ? reps / 3 : reps);
	lat_pinned = bench_latency(&lat, 2048, 1);
	bench_latency(&lat_free, 2048, 0);
	bench_kva(kva, &flush_us, reps);

	printf("\n  %-36s %10s %10s %10s\n", "ratio", "median", "min", "max");
	print_row(stdout, &anon);
	print_row(stdout, &file);
	print_row(stdout, &lookup);
	print_row(stdout, &churn);
	print_row(stdout, &churn_hog);
	if (placement.n)
		print_row(stdout, &placement);
	for (m = 0; m < NR_SCALE_MODES; m++) {
		print_row(stdout, &scale_over[m]);
		if (scale_over_1cpu[m].n)
			print_row(stdout, &scale_over_1cpu[m]);
		print_row(stdout, &scale_p99[m]);
	}
	for (op = 0; op < IOPF_TEST_KVA_NR; op++)
		for (b = 1; b < NR_KVA_BONDS; b++)
			print_row(stdout, &kva[op][b]);
	printf("\n  %-36s %10s %10s %10s\n", "reference (absolute, TCG)",
	       "median", "min", "max");
	print_row(stdout, &access);
	print_row(stdout, &anon_2cpu);
	print_row(stdout, &dev_us);
	print_row(stdout, &cpu_us);
	for (l = 0; l < NR_LEVELS && levels[l] <= pasids; l++)
		print_row(stdout, &thr[l]);
	print_row(stdout, &hog);
	print_row(stdout, &spin);
	print_row(stdout, &cycles);
	print_row(stdout, &hog_match);
	print_row(stdout, &churn_guest_cpu);
	print_row(stdout, &churn_switches);
	print_row(stdout, &churn_dev);
	print_row(stdout, &churn_dev_hog);
	print_row(stdout, &flush_us);
	print_row(stdout, &pingpong[0]);
	print_row(stdout, &pingpong[1]);
	if (cpufault_1cpu[0].n) {
		print_row(stdout, &cpufault_1cpu[0]);
		print_row(stdout, &cpufault_1cpu[1]);
	}
	for (i = 0; placement.n && i < 4; i++)
		print_row(stdout, &placement_abs[i]);
	for (m = 0; m < NR_SCALE_MODES; m++)
		for (l = 0; l < NR_SCALE; l++)
			print_row(stdout, &scale_thr[m][l]);
	for (m = 0; m < NR_SCALE_MODES; m++)
		printf("  %-36s p50 %.1f  p99 %.1f  max %.1f (%d samples)\n",
		       scale_lat[m].key, quantile(scale_lat[m].v, scale_lat[m].n, 0.5),
		       quantile(scale_lat[m].v, scale_lat[m].n, 0.99),
		       quantile(scale_lat[m].v, scale_lat[m].n, 1),
		       scale_lat[m].n);
	printf("  %-36s %ld  groups the watchdog reported overdue (must be 0)\n",
	       "scale_overdue", scale_overdue);
	printf("  %-36s p50 %.1f  p99 %.1f  max %.1f (%d samples%s)\n",
	       lat.key, quantile(lat.v, lat.n, 0.5),
	       quantile(lat.v, lat.n, 0.99), quantile(lat.v, lat.n, 1), lat.n,
	       lat_pinned ? ", on CPU 0" : ", not pinned");
	printf("  %-36s p50 %.1f  p99 %.1f  max %.1f (%d samples)\n",
	       lat_free.key, quantile(lat_free.v, lat_free.n, 0.5),
	       quantile(lat_free.v, lat_free.n, 0.99),
	       quantile(lat_free.v, lat_free.n, 1), lat_free.n);

	if (json) {
		f = fopen(json, "w");
		if (!f)
			die("%s: %s", json, strerror(errno));
		fprintf(f, "{\n  \"pages\": %zu, \"repetitions\": %d, \"pasids\": %d,\n",
			n, reps, pasids);
		json_result(f, &anon, ",");
		json_result(f, &file, ",");
		json_result(f, &lookup, ",");
		json_result(f, &churn, ",");
		json_result(f, &access, ",");
		json_result(f, &anon_2cpu, ",");
		fprintf(f, "  \"per_page_one_cpu\": %d,\n", one_cpu);
		json_result(f, &dev_us, ",");
		json_result(f, &cpu_us, ",");
		for (l = 0; l < NR_LEVELS && levels[l] <= pasids; l++)
			json_result(f, &thr[l], ",");
		json_result(f, &hog, ",");
		json_result(f, &spin, ",");
		json_result(f, &cycles, ",");
		json_result(f, &hog_match, ",");
		json_result(f, &churn_guest_cpu, ",");
		json_result(f, &churn_switches, ",");
		json_result(f, &churn_dev, ",");
		json_result(f, &churn_dev_hog, ",");
		for (op = 0; op < IOPF_TEST_KVA_NR; op++)
			for (b = 1; b < NR_KVA_BONDS; b++)
				json_result(f, &kva[op][b], ",");
		json_result(f, &flush_us, ",");
		json_result(f, &churn_hog, ",");
		for (m = 0; m < NR_SCALE_MODES; m++) {
			json_result(f, &scale_over[m], ",");
			if (scale_over_1cpu[m].n)
				json_result(f, &scale_over_1cpu[m], ",");
			json_result(f, &scale_p99[m], ",");
			for (l = 0; l < NR_SCALE; l++)
				json_result(f, &scale_thr[m][l], ",");
		}
		fprintf(f, "  \"scale_overdue\": %ld,\n", scale_overdue);
		json_result(f, &pingpong[0], ",");
		json_result(f, &pingpong[1], ",");
		if (cpufault_1cpu[0].n) {
			json_result(f, &cpufault_1cpu[0], ",");
			json_result(f, &cpufault_1cpu[1], ",");
		}
		for (i = 0; placement.n && i < 4; i++)
			json_result(f, &placement_abs[i], ",");
		if (placement.n)
			json_result(f, &placement, ",");
		fprintf(f, "  \"latency_p50_us\": %.2f, \"latency_p99_us\": %.2f,\n",
			quantile(lat.v, lat.n, 0.5),
			quantile(lat.v, lat.n, 0.99));
		fprintf(f, "  \"faults_per_second\": %.1f,\n",
			quantile(thr[0].v, thr[0].n, 0.5));
		fprintf(f, "  \"latency_pinned\": %d,\n", lat_pinned);
		json_result(f, &lat_free, ",");
		json_result(f, &lat, "");
		fprintf(f, "}\n");
		fclose(f);
	}
	close(dev_fd);
	return 0;
}
