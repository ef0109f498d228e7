// SPDX-License-Identifier: GPL-2.0-only
/*
 * make demo, inside the guest: a process shares its address space with the
 * software PRI device of the series, and the device writes to pages the
 * process never touched. Each write starts as a page request that the
 * kernel resolves through the SVA domain's I/O page fault handler.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/iopf_test.h>

#define NPAGES	16

static long psz;

static int resident(void *base, int pages)
{
	unsigned char vec[NPAGES];
	int i, n = 0;

	if (mincore(base, pages * psz, vec))
		return -1;
	for (i = 0; i < pages; i++)
		n += vec[i] & 1;
	return n;
}

/* The IOPF tracepoints of the series, in the iommu trace system */
static const char * const events[] = {
	"iopf_report", "iopf_handle_group", "iopf_page_response",
};

static int trace_events(const char *on)
{
	char path[128];
	int i, n = 0;
	FILE *f;

	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path),
			 "/sys/kernel/debug/tracing/events/iommu/%s/enable",
			 events[i]);
		f = fopen(path, "w");
		if (!f)
			continue;
		n += fputs(on, f) >= 0;
		fclose(f);
	}
	return n;
}

/* The first trace lines of PRG index 0's page request, then a count */
static void show_trace(void)
{
	FILE *f = fopen("/sys/kernel/debug/tracing/trace", "r");
	int count[3] = { 0 }, shown = 0, i;
	char line[512];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		for (i = 0; i < 3; i++) {
			char *p = strstr(line, events[i]);

			if (!p || p[strlen(events[i])] != ':')
				continue;
			count[i]++;
			if (shown < 3 && strstr(p, " grpid=0 ")) {
				printf("demo:      %s", p);
				shown++;
			}
		}
	}
	fclose(f);
	printf("demo:    In all: %d iopf_report, %d iopf_handle_group, %d iopf_page_response events.\n",
	       count[0], count[1], count[2]);
}

/* The IOPF queue's counters for the device, from debugfs */
static void show_counters(unsigned int id)
{
	char path[96], line[128];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/iommu/iopf/iopf-test%u", id);
	f = fopen(path, "r");
	if (!f) {
		printf("demo:    (no %s: CONFIG_IOMMU_DEBUGFS off)\n", path);
		return;
	}
	printf("demo:    What the kernel's IOPF queue counted for the device, in %s:\n", path);
	while (fgets(line, sizeof(line), f))
		printf("demo:      %s", line);
	fclose(f);
}

static const char *resp_name(uint32_t resp)
{
	switch (resp) {
	case IOPF_TEST_RESP_SUCCESS: return "SUCCESS";
	case IOPF_TEST_RESP_INVALID: return "INVALID";
	case IOPF_TEST_RESP_FAILURE: return "FAILURE";
	case IOPF_TEST_RESP_TIMEOUT: return "TIMEOUT";
	case IOPF_TEST_RESP_REFUSED: return "REFUSED";
	default: return "?";
	}
}

int main(void)
{
	struct iopf_test_req reqs[NPAGES + 2];
	struct iopf_test_bind bind = { .size = sizeof(bind) };
	struct iopf_test_stats st = { .size = sizeof(st) };
	struct iopf_test_submit sub = { .size = sizeof(sub) };
	uint64_t *mem, *ro, *hole;
	int fd, i, res, ok = 1, traced;

	psz = sysconf(_SC_PAGESIZE);
	fd = open("/dev/iopf-test", O_RDWR);
	if (fd < 0) {
		printf("demo:    cannot open /dev/iopf-test: %s\n", strerror(errno));
		return 1;
	}
	if (ioctl(fd, IOPF_TEST_IOC_BIND, &bind)) {
		printf("demo:    bind failed: %s\n", strerror(errno));
		return 1;
	}
	printf("demo:    Process %d bound its address space to the device: PASID %u.\n",
	       getpid(), bind.pasid);

	mem = mmap(NULL, NPAGES * psz, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro = mmap(NULL, psz, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	hole = mmap(NULL, psz, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED || ro == MAP_FAILED || hole == MAP_FAILED ||
	    munmap(hole, psz))
		return 1;
	printf("demo:    It mapped %d pages of anonymous memory at %p and touched none:\n",
	       NPAGES, (void *)mem);
	printf("demo:    %d of %d pages are resident.\n", resident(mem, NPAGES), NPAGES);

	memset(reqs, 0, sizeof(reqs));
	for (i = 0; i < NPAGES; i++) {
		reqs[i].addr = (uintptr_t)mem + i * psz;
		reqs[i].perm = IOPF_TEST_PERM_WRITE;
		reqs[i].grpid = i;
		reqs[i].flags = IOPF_TEST_REQ_LAST;
		reqs[i].data = 0xd0000000ULL + i;
	}
	/* Two requests the kernel must refuse */
	reqs[NPAGES].addr = (uintptr_t)ro;
	reqs[NPAGES].perm = IOPF_TEST_PERM_WRITE;
	reqs[NPAGES].grpid = NPAGES;
	reqs[NPAGES].flags = IOPF_TEST_REQ_LAST;
	reqs[NPAGES + 1].addr = (uintptr_t)hole;
	reqs[NPAGES + 1].perm = IOPF_TEST_PERM_READ;
	reqs[NPAGES + 1].grpid = NPAGES + 1;
	reqs[NPAGES + 1].flags = IOPF_TEST_REQ_LAST;

	printf("demo:    The device writes a value to each page. Its ATC has no translation,\n");
	printf("demo:    so it sends %d page requests (PRI), one group each, plus a write\n", NPAGES);
	printf("demo:    to a read-only page and a read of an unmapped address.\n");
	traced = trace_events("1");
	sub.nr_reqs = NPAGES + 2;
	sub.timeout_ms = 10000;
	sub.reqs = (uintptr_t)reqs;
	if (ioctl(fd, IOPF_TEST_IOC_SUBMIT, &sub)) {
		printf("demo:    submit failed: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < NPAGES + 2; i++) {
		if (i >= 2 && i < NPAGES - 1)
			continue;
		if (i == NPAGES - 1)
			printf("demo:      ...\n");
		printf("demo:      request %2d: %-5s %#14llx -> %s%s\n", i,
		       reqs[i].perm & IOPF_TEST_PERM_WRITE ? "write" : "read",
		       (unsigned long long)reqs[i].addr, resp_name(reqs[i].resp),
		       reqs[i].access == IOPF_TEST_ACCESS_DONE ?
		       ", then the device wrote the page" : "");
	}

	if (ioctl(fd, IOPF_TEST_IOC_STATS, &st))
		return 1;
	if (traced) {
		trace_events("0");
		printf("demo:    The tracepoints saw each request reported, its group handled, and answered:\n");
		show_trace();
	}
	show_counters(st.id);
	printf("demo:    The device's counters: %llu page requests, %llu responses:\n",
	       (unsigned long long)st.requests, (unsigned long long)st.responses);
	printf("demo:      %llu SUCCESS, %llu INVALID, %llu FAILURE, %llu timed out\n",
	       (unsigned long long)st.resp_success,
	       (unsigned long long)st.resp_invalid,
	       (unsigned long long)st.resp_failure,
	       (unsigned long long)st.timeouts);
	res = resident(mem, NPAGES);
	printf("demo:    Now %d of %d pages are resident: the kernel faulted them in for the device.\n",
	       res, NPAGES);
	printf("demo:    The CPU reads back what the device wrote:");
	for (i = 0; i < NPAGES; i++) {
		if (mem[i * psz / 8] != 0xd0000000ULL + i)
			ok = 0;
		if (i < 4)
			printf(" %#llx", (unsigned long long)mem[i * psz / 8]);
	}
	printf(" ... %s\n", ok ? "all as written" : "MISMATCH");
	ok &= st.resp_success == NPAGES && st.resp_invalid == 2 &&
	      res == NPAGES && ro[0] == 0;
	printf("demo:    The read-only page still holds %#llx: the refused write never happened.\n",
	       (unsigned long long)ro[0]);
	close(fd);
	printf("demo: iopf: %d requests, %llu SUCCESS, %llu INVALID, %d/%d pages resident: %s\n",
	       NPAGES + 2, (unsigned long long)st.resp_success,
	       (unsigned long long)st.resp_invalid, res, NPAGES,
	       ok ? "ok" : "FAILED");
	return !ok;
}
