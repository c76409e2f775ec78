/*
 * Event log. Entries carry the event, the time and the authenticated user; they never
 * carry patient identifiers (SEC-REQ-005), so exports can leave the pump.
 */
#include <stdarg.h>
#include <stdio.h>

#define LOG_LINE_MAX 96

static char last_line[LOG_LINE_MAX];

void log_event(const char *user, const char *fmt, ...)
{
	va_list args;
	int n;

	n = snprintf(last_line, sizeof last_line, "[%s] ", user != NULL ? user : "-");
	if (n < 0 || (size_t)n >= sizeof last_line) {
		return;
	}
	va_start(args, fmt);
	vsnprintf(last_line + n, sizeof last_line - (size_t)n, fmt, args);
	va_end(args);
}

void log_debug_dump(void)
{
	printf(last_line);
}
