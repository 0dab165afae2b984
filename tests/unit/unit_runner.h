/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_TEST_UNIT_RUNNER_H
#define IPHTTPS_TEST_UNIT_RUNNER_H

/* A CUnit runner for the tests of pure modules (parsers): no EAL, no ports. */

#include <CUnit/Basic.h>
#include <stddef.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
};

static inline int unit_run(const char *suite_name, const struct unit_test *tests, size_t count)
{
	CU_pSuite suite;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	suite = CU_add_suite(suite_name, NULL, NULL);
	for (size_t i = 0; i < count; i++)
		CU_add_test(suite, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}

#endif
