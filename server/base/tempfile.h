/* tempfile: files that must not outlive a failed run, as git's tempfile.c.
 * A registered path is removed when the process dies of a signal or runs
 * out of memory, so a half-written output never lies beside the real one. */
#ifndef CLEW_TEMPFILE_H
#define CLEW_TEMPFILE_H

/* Registers path (copied) for removal. It also installs handlers for
 * SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGPIPE where their disposition is
 * the default: each removes the registered files, then dies of the same
 * signal. Returns 0, or -1 when all slots (8) are
 * taken (the file is then not protected). Call from one thread. */
int tempfile_register(const char *path);

/* Forgets path (after it was renamed into place or removed); a path that
 * was not registered is ignored. */
void tempfile_unregister(const char *path);

/* Removes every registered file. Async-signal-safe and allocates nothing:
 * for signal handlers and for the out-of-memory exit. */
void tempfile_remove_all(void);

#endif
