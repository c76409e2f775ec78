/* InfuCore firmware entry point (host build: runs the unit tests). */
#include <stdio.h>

#include "comms.h"
#include "dose.h"

int main(void)
{
	dose_limit_t heparin;
	const uint8_t frame[] = {0x01, 0x00};
	comms_msg_t msg;
	int failures = 0;

	failures += dose_limit_set(&heparin, "heparin", 1000u, 25000u) != 0;
	failures += !dose_rate_allowed(&heparin, 5000u);
	failures += dose_rate_allowed(&heparin, 50000u);
	failures += comms_parse(frame, sizeof frame, &msg) != 0;
	failures += comms_parse(frame, 1, &msg) == 0;

	printf("%d failure(s)\n", failures);
	return failures != 0;
}
