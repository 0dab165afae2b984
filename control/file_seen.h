/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_FILE_SEEN_H
#define IPHTTPS_FILE_SEEN_H

/*
 * What a file looked like when last read, for the main lcore's watches
 * (tls_watch.c: the TLS files; ticket_key_source.c: the ticket key file):
 * a change of existence, modification time, size or inode means it was
 * replaced or rewritten, and is read again.
 */

#include <stdbool.h>
#include <sys/stat.h>

struct file_seen {
	const char *path; /* empty: no file (never changes) */
	struct stat st;
	bool exists;
};

/** Note how path looks now. */
static inline void file_seen_look(struct file_seen *f)
{
	f->exists = f->path[0] && stat(f->path, &f->st) == 0;
}

/** Whether the file differs from how it looked at the last file_seen_look. */
static inline bool file_seen_changed(const struct file_seen *f)
{
	struct file_seen now = { .path = f->path };

	file_seen_look(&now);
	if (now.exists != f->exists)
		return true;
	return now.exists && (now.st.st_mtim.tv_sec != f->st.st_mtim.tv_sec ||
			      now.st.st_mtim.tv_nsec != f->st.st_mtim.tv_nsec || now.st.st_size != f->st.st_size ||
			      now.st.st_ino != f->st.st_ino);
}

#endif
