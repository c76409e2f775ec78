/*
 * Service-port protocol of the communication task.
 *
 * Every frame is length- and range-checked before it is parsed (SEC-REQ-006); a
 * rejected frame is dropped and counted, and never reaches the infusion control task.
 */
#include <string.h>

#include "comms.h"

#define FRAME_HEADER 2u

enum {
	MSG_STATUS = 0x01,
	MSG_LOG_EXPORT = 0x02,
	MSG_SERVICE = 0x10,
	MSG_LAST = MSG_SERVICE,
};

static uint32_t rejected_frames;

int comms_parse(const uint8_t *buf, size_t len, comms_msg_t *out)
{
	if (buf == NULL || out == NULL || len < FRAME_HEADER) {
		rejected_frames++;
		return -1;
	}
	if (buf[0] == 0 || buf[0] > MSG_LAST) {
		rejected_frames++;
		return -1;
	}
	if (buf[1] > COMMS_MAX_PAYLOAD || (size_t)buf[1] != len - FRAME_HEADER) {
		rejected_frames++;
		return -1;
	}
	out->type = buf[0];
	out->length = buf[1];
	memcpy(out->payload, buf + FRAME_HEADER, out->length);
	return 0;
}

int comms_is_service_command(const char *name)
{
	static const char *const commands[] = {"enter-service", "export-log", "update-firmware"};
	size_t i;

	for (i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (name == commands[i]) {
			return 1;
		}
	}
	return 0;
}
