/* Service-port protocol of the communication task. */
#ifndef INFUCORE_COMMS_H
#define INFUCORE_COMMS_H

#include <stddef.h>
#include <stdint.h>

#define COMMS_MAX_PAYLOAD 240

typedef struct {
	uint8_t type;
	uint8_t length;
	uint8_t payload[COMMS_MAX_PAYLOAD];
} comms_msg_t;

int comms_parse(const uint8_t *buf, size_t len, comms_msg_t *out);
int comms_is_service_command(const char *name);

#endif
