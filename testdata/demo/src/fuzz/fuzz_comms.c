/*
 * libFuzzer harness for the service-port frame parser (interfaces.yaml IF-01).
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I.. fuzz_comms.c ../comms.c
 */
#include <stddef.h>
#include <stdint.h>

#include "../comms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	comms_msg_t msg;

	(void)comms_parse(data, size, &msg);
	return 0;
}
