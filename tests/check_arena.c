/* check_arena: the bump allocator behind a parse's cmark memory. */
#include <check.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../server/base/arena.h"

static int aligned(const void *p)
{
	return (uintptr_t)p % alignof(max_align_t) == 0;
}

START_TEST(test_blocks_are_distinct_and_aligned)
{
	struct arena a = ARENA_INIT;
	unsigned char *p[100];

	for (int i = 0; i < 100; i++) {
		p[i] = arena_alloc(&a, (size_t)i + 1);
		ck_assert(aligned(p[i]));
		memset(p[i], i, (size_t)i + 1);
	}
	/* No block overwrote another. */
	for (int i = 0; i < 100; i++)
		for (int j = 0; j <= i; j++)
			ck_assert_int_eq(p[i][j], i);
	arena_release(&a);
	ck_assert_ptr_null(a.chunk);
}
END_TEST

START_TEST(test_resize_only_the_last_block)
{
	struct arena a = ARENA_INIT;
	char *first = arena_alloc(&a, 16);
	char *second = arena_alloc(&a, 16);

	memcpy(second, "0123456789abcde", 16);
	ck_assert(arena_resize(&a, second, 4000));  /* grows in place */
	ck_assert_str_eq(second, "0123456789abcde");
	second[3999] = 'z';
	ck_assert(arena_resize(&a, second, 8));     /* shrinks too */
	ck_assert(!arena_resize(&a, first, 32));    /* not the last */
	/* Past the chunk's end: refused, the block is unchanged. */
	ck_assert(!arena_resize(&a, second, 1024 * 1024));
	ck_assert_int_eq(second[0], '0');
	/* The space the shrink gave back is handed out again. */
	ck_assert_ptr_eq(arena_alloc(&a, 1), second + alignof(max_align_t) *
			 ((8 + alignof(max_align_t) - 1) / alignof(max_align_t)));
	arena_release(&a);
}
END_TEST

START_TEST(test_large_blocks_and_reset)
{
	struct arena a = ARENA_INIT;
	char *big = arena_alloc(&a, 1024 * 1024); /* more than a chunk */
	char *small, *again;

	memset(big, 'x', 1024 * 1024);
	small = arena_alloc(&a, 10);
	ck_assert(aligned(small));
	arena_reset(&a);
	/* The usual chunk is kept and reused from its start. */
	again = arena_alloc(&a, 10);
	ck_assert(aligned(again));
	arena_reset(&a);
	ck_assert_ptr_eq(arena_alloc(&a, 10), again);
	arena_release(&a);
	/* Released, the arena is empty and usable again. */
	ck_assert_ptr_nonnull(arena_alloc(&a, 1));
	arena_release(&a);
	arena_release(&a); /* twice is fine */
}
END_TEST

Suite *arena_suite(void)
{
	Suite *s = suite_create("arena");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_blocks_are_distinct_and_aligned);
	tcase_add_test(tc, test_resize_only_the_last_block);
	tcase_add_test(tc, test_large_blocks_and_reset);
	suite_add_tcase(s, tc);
	return s;
}
