/* SPDX-License-Identifier: BSD-3-Clause */
#include "accounting.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static FILE *file;
static char file_path[4096];

int accounting_open(const char *path)
{
	int fd;

	accounting_close();
	if (!path[0])
		return 0;
	/* Never through a link: root must not be led to append to a file of someone's choosing. */
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
	file = fd >= 0 ? fdopen(fd, "a") : NULL;
	if (!file) {
		log_error("accounting file %s: %s; session records are not written", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	snprintf(file_path, sizeof(file_path), "%s", path);
	return 0;
}

void accounting_write(json_t *record)
{
	if (!file)
		return;
	if (json_dumpf(record, file, JSON_COMPACT | JSON_REAL_PRECISION(10)) != 0 || fputc('\n', file) == EOF || fflush(file) != 0)
		log_warn("accounting file %s: write failed: %s", file_path, strerror(errno));
}

void accounting_close(void)
{
	if (file)
		fclose(file);
	file = NULL;
}
