/* store_internal: helpers shared by the store's own files; not for other
 * layers. */
#ifndef CLEW_STORE_INTERNAL_H
#define CLEW_STORE_INTERNAL_H

#include <sqlite3.h>

struct store;

/* Prepares sql on the store's connection; NULL with errmsg set. */
sqlite3_stmt *store_prepare(struct store *st, const char *sql);
/* Copies msg as the store's error message. */
void store_set_err(struct store *st, const char *msg);
/* Takes the connection's error message; returns -1. */
int store_db_fail(struct store *st);

#endif
