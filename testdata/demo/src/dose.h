/* Dose limits of the drug library. */
#ifndef INFUCORE_DOSE_H
#define INFUCORE_DOSE_H

#include <stddef.h>
#include <stdint.h>

#define DOSE_NAME_MAX 31

typedef struct {
	char name[DOSE_NAME_MAX + 1];
	uint32_t rate_min_ul_h; /* microlitres per hour */
	uint32_t rate_max_ul_h;
} dose_limit_t;

int dose_limit_set(dose_limit_t *limit, const char *name, uint32_t min_ul_h, uint32_t max_ul_h);
int dose_rate_allowed(const dose_limit_t *limit, uint32_t rate_ul_h);

#endif
