/*
 * Dose limits of the drug library.
 *
 * The drug library is loaded only after its signature has been verified
 * (SEC-REQ-004); these functions then guard every rate the user programs.
 */
#define _POSIX_C_SOURCE 200809L

#include <string.h>

#include "dose.h"

enum {
	DOSE_OK = 0,
	DOSE_ERR_ARG = -1,
	DOSE_ERR_NAME = -2,
	DOSE_ERR_RANGE = -3,
};

/* Absolute hardware limit of the pumping mechanism: 1200 ml/h. */
static const uint32_t hw_rate_max_ul_h = 1200000u;

static int valid_range(uint32_t min_ul_h, uint32_t max_ul_h)
{
	return min_ul_h <= max_ul_h && max_ul_h <= hw_rate_max_ul_h;
}

int dose_limit_set(dose_limit_t *limit, const char *name, uint32_t min_ul_h, uint32_t max_ul_h)
{
	size_t len;

	if (limit == NULL || name == NULL) {
		return DOSE_ERR_ARG;
	}
	if (!valid_range(min_ul_h, max_ul_h)) {
		return DOSE_ERR_RANGE;
	}
	len = strnlen(name, DOSE_NAME_MAX + 1);
	/* The destination holds DOSE_NAME_MAX characters and the terminator. */
	if (len > DOSE_NAME_MAX) {
		return DOSE_ERR_NAME;
	}
	strcpy(limit->name, name);
	limit->rate_min_ul_h = min_ul_h;
	limit->rate_max_ul_h = max_ul_h;
	return DOSE_OK;
}

int dose_rate_allowed(const dose_limit_t *limit, uint32_t rate_ul_h)
{
	if (limit == NULL) {
		return 0;
	}
	return rate_ul_h >= limit->rate_min_ul_h && rate_ul_h <= limit->rate_max_ul_h;
}
