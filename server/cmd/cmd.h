/* cmd: the sub-commands of the clew program, one file each (git-style). */
#ifndef CLEW_CMD_H
#define CLEW_CMD_H

#include <stddef.h>

/* Each takes the arguments after the command name (argv[0] is the command
 * name) and returns the process exit status: 0 success, 1 failure of the
 * work itself, 2 usage error. */
int cmd_compile(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_diagnose(int argc, char **argv);
int cmd_tree(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_learn(int argc, char **argv);
int cmd_report(int argc, char **argv);

/* The database to read when --db is not given: $CLEW_DB, else
 * build/kb.sqlite. Borrowed. */
const char *cmd_default_db(void);

/* Writes data to path through a temporary file beside it, renamed over
 * path once whole: path is the old file or the new one, never half of
 * it. Returns 0, or -1 with the reason appended to err. */
struct sbuf;
int cmd_write_file(const char *path, const char *data, size_t len, struct sbuf *err);

/* Prints a cJSON document to stdout, indented, and frees it. */
struct cJSON;
void cmd_print_json(struct cJSON *doc);

/* Prints {"error":{"code","message"}} to stdout (with --json) or the
 * message to stderr. */
void cmd_error(int json, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
